"""Writes a short Y4M video (Chromium's fake camera input) that shows one QR code.

Usage: python end2end/qr-video.py TEXT OUT.y4m
"""

import sys

import qrcode

WIDTH, HEIGHT, FRAMES = 640, 480, 10


def main() -> None:
    text, out = sys.argv[1], sys.argv[2]
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(text)
    code.make(fit=True)
    matrix = code.get_matrix()
    modules = len(matrix)
    scale = min(WIDTH, HEIGHT) * 9 // 10 // modules
    left, top = (WIDTH - modules * scale) // 2, (HEIGHT - modules * scale) // 2
    luma = bytearray([200]) * (WIDTH * HEIGHT)  # a grey wall around the code, as a camera sees it
    for row in range(modules):
        for column in range(modules):
            value = 16 if matrix[row][column] else 235
            for dy in range(scale):
                start = (top + row * scale + dy) * WIDTH + left + column * scale
                luma[start : start + scale] = bytes([value]) * scale
    chroma = bytes([128]) * (WIDTH // 2 * HEIGHT // 2)
    with open(out, "wb") as video:
        video.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(FRAMES):
            video.write(b"FRAME\n")
            video.write(luma)
            video.write(chroma)
            video.write(chroma)


if __name__ == "__main__":
    main()
