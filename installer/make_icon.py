"""Draws the app icon: a red seal-like square with a white “执” (resources/icons/app.png and app.ico).

    QT_QPA_PLATFORM=offscreen python installer/make_icon.py

Run once by a maintainer; the two files are committed, so neither the build nor CI runs this. The glyph
comes from an installed CJK font (Noto Serif CJK SC Bold preferred, SIL OFL 1.1; any bold CJK face
works) and is drawn as outlines, so the icon holds no font data. Each size of the .ico is drawn at that
size (the small ones without the inner border, which would blur), then Pillow packs them.
"""
from __future__ import annotations

import io
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QGuiApplication, QImage, QPainter, QPainterPath, QPen

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "icons"
SEAL_RED = QColor("#C8161D")  # 中国红, the colour of an official seal
FONTS = ["Noto Serif CJK SC", "Source Han Serif SC", "SimSun", "Noto Sans CJK SC", "Microsoft YaHei",
         "WenQuanYi Micro Hei"]
ICO_SIZES = [16, 20, 24, 32, 40, 48, 64, 128, 256]
PNG_SIZE = 256


def pick_font() -> str:
    families = set(QFontDatabase.families())
    for family in FONTS:
        if family in families:
            return family
    sys.exit("没有找到中文字体（如 Noto Serif CJK SC），无法绘制图标。")


def draw(size: int, family: str) -> QImage:
    image = QImage(size, size, QImage.Format_ARGB32)
    image.fill(Qt.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.Antialiasing)
    margin = size * 0.04
    square = QRectF(margin, margin, size - 2 * margin, size - 2 * margin)
    radius = size * 0.14
    painter.setPen(Qt.NoPen)
    painter.setBrush(SEAL_RED)
    painter.drawRoundedRect(square, radius, radius)
    if size >= 32:  # the seal's inner border line
        inset = size * 0.10
        pen = QPen(QColor("white"))
        pen.setWidthF(max(1.0, size * 0.035))
        painter.setPen(pen)
        painter.setBrush(Qt.NoBrush)
        inner = square.adjusted(inset - margin, inset - margin, margin - inset, margin - inset)
        painter.drawRoundedRect(inner, radius * 0.6, radius * 0.6)
    font = QFont(family)
    font.setWeight(QFont.Black)
    font.setPixelSize(100)
    path = QPainterPath()
    path.addText(QPointF(0, 0), font, "执")
    box = path.boundingRect()
    target = size * (0.60 if size >= 32 else 0.78)  # the glyph's larger side
    scale = target / max(box.width(), box.height())
    painter.translate(size / 2, size / 2)
    painter.scale(scale, scale)
    painter.translate(-box.center())
    painter.setPen(Qt.NoPen)
    painter.setBrush(QColor("white"))
    painter.drawPath(path)
    painter.end()
    return image


def to_pillow(image: QImage):
    from PIL import Image

    buffer = QBuffer()
    buffer.open(QIODevice.WriteOnly)
    image.save(buffer, "PNG")
    return Image.open(io.BytesIO(bytes(buffer.data()))).convert("RGBA")


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv)  # noqa: F841 (fonts need an app)
    family = pick_font()
    OUT.mkdir(parents=True, exist_ok=True)
    draw(PNG_SIZE, family).save(str(OUT / "app.png"))
    images = [to_pillow(draw(size, family)) for size in ICO_SIZES]
    largest = images[-1]
    largest.save(OUT / "app.ico", format="ICO", sizes=[(s, s) for s in ICO_SIZES], append_images=images[:-1])
    print(f"已生成 {OUT / 'app.png'} 和 {OUT / 'app.ico'}（字体：{family}）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
