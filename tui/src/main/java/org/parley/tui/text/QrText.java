package org.parley.tui.text;

import com.google.zxing.WriterException;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import com.google.zxing.qrcode.encoder.ByteMatrix;
import com.google.zxing.qrcode.encoder.Encoder;
import java.util.ArrayList;
import java.util.List;

/**
 * A QR code as rows of text: each character cell holds two modules, one above the other, as a
 * space, an upper half block, a lower half block or a full block; a block is a dark module. The
 * rows are meant to be drawn dark on light. A quiet zone of {@link #QUIET_ZONE} light modules
 * surrounds the code: half the four the standard asks for, which phone scanners read well and
 * which lets a peer ID's code fit a terminal of 30 rows.
 */
public final class QrText {
    public static final int QUIET_ZONE = 2;
    public static final char UPPER = '▀';
    public static final char LOWER = '▄';
    public static final char FULL = '█';

    private QrText() {
    }

    /** The rows of text drawing {@code text} as a QR code with error correction level M. */
    public static List<String> encode(String text) {
        ByteMatrix matrix;
        try {
            matrix = Encoder.encode(text, ErrorCorrectionLevel.M).getMatrix();
        } catch (WriterException e) {
            throw new IllegalArgumentException("cannot draw this as a QR code: " + e.getMessage(), e);
        }
        int size = matrix.getWidth() + 2 * QUIET_ZONE;
        List<String> rows = new ArrayList<>();
        for (int top = 0; top < size; top += 2) {
            StringBuilder row = new StringBuilder(size);
            for (int x = 0; x < size; x++) {
                boolean upper = dark(matrix, x - QUIET_ZONE, top - QUIET_ZONE);
                boolean lower = dark(matrix, x - QUIET_ZONE, top + 1 - QUIET_ZONE);
                row.append(upper ? (lower ? FULL : UPPER) : (lower ? LOWER : ' '));
            }
            rows.add(row.toString());
        }
        return rows;
    }

    /** Whether the module at (x, y) of the code (without its quiet zone) is dark; outside it is light. */
    private static boolean dark(ByteMatrix matrix, int x, int y) {
        return x >= 0 && y >= 0 && x < matrix.getWidth() && y < matrix.getHeight() && matrix.get(x, y) == 1;
    }
}
