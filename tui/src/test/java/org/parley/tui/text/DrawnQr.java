package org.parley.tui.text;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.LuminanceSource;
import com.google.zxing.NotFoundException;
import com.google.zxing.ReaderException;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import java.util.List;
import java.util.Map;

/**
 * Reads a QR code back from the half-block cells {@link QrText} draws, the way a camera would see
 * them: every cell becomes pixels, light outside the drawn cells only as far as the cells say.
 */
public final class DrawnQr {
    private static final int PIXELS_PER_MODULE = 4;
    private static final int LIGHT = 0xFFFFFFFF;
    private static final int DARK = 0xFF000000;

    private DrawnQr() {
    }

    /** The text the drawn rows hold; nothing is added around them, so their own quiet zone must do. */
    public static String decode(List<String> rows) throws ReaderException {
        int columns = rows.stream().mapToInt(String::length).max().orElse(0);
        int width = columns * PIXELS_PER_MODULE;
        int height = rows.size() * 2 * PIXELS_PER_MODULE;
        int[] pixels = new int[width * height];
        for (int row = 0; row < rows.size(); row++) {
            String cells = rows.get(row);
            for (int column = 0; column < columns; column++) {
                char cell = column < cells.length() ? cells.charAt(column) : ' ';
                paint(pixels, width, column, 2 * row, cell == QrText.FULL || cell == QrText.UPPER);
                paint(pixels, width, column, 2 * row + 1, cell == QrText.FULL || cell == QrText.LOWER);
            }
        }
        LuminanceSource source = new RGBLuminanceSource(width, height, pixels);
        BinaryBitmap image = new BinaryBitmap(new HybridBinarizer(source));
        try {
            return new QRCodeReader().decode(image).getText();
        } catch (NotFoundException e) {
            // The reader's finder-pattern search misses about one code in a hundred even when
            // drawn perfectly (data modules that look like a finder's 1:1:3:1:1 run mislead it),
            // where a camera app would try the next frame: read the code as a clean, upright one.
            return new QRCodeReader().decode(image, Map.of(DecodeHintType.PURE_BARCODE, Boolean.TRUE)).getText();
        }
    }

    private static void paint(int[] pixels, int width, int moduleX, int moduleY, boolean dark) {
        for (int y = 0; y < PIXELS_PER_MODULE; y++) {
            for (int x = 0; x < PIXELS_PER_MODULE; x++) {
                pixels[(moduleY * PIXELS_PER_MODULE + y) * width + moduleX * PIXELS_PER_MODULE + x] = dark ? DARK : LIGHT;
            }
        }
    }
}
