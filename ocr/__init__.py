"""OCR of scanned Thai official letters (no Django): rendering, Tesseract, digit re-reading."""
