package org.parley.tui.text;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.LuminanceSource;
import com.google.zxing.ReaderException;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import java.util.List;

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
        return new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(source))).getText();
    }

    private static void paint(int[] pixels, int width, int moduleX, int moduleY, boolean dark) {
        for (int y = 0; y < PIXELS_PER_MODULE; y++) {
            for (int x = 0; x < PIXELS_PER_MODULE; x++) {
                pixels[(moduleY * PIXELS_PER_MODULE + y) * width + moduleX * PIXELS_PER_MODULE + x] = dark ? DARK : LIGHT;
            }
        }
    }
}
