"""System checks of what the registry's printed forms need from the machine."""

from __future__ import annotations

from django.core import checks


@checks.register(checks.Tags.compatibility)
def print_fonts(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """``saraban.E001`` when the Laksaman font is missing: no book, slip, list, report or
    letter can be printed, nor a receive stamp or signature drawn
    (:func:`saraban.documents.fonts.laksaman_path`; ``scripts/install.sh`` installs it)."""
    from saraban.documents import fonts

    problems = []
    for style in fonts.STYLES:
        try:
            fonts.laksaman_path(style)
        except FileNotFoundError as exc:
            problems.append(checks.Error(
                f"ไม่พบแบบอักษร Laksaman ({style}): พิมพ์ทะเบียน ใบรับ บัญชีทำลาย และหนังสือส่งไม่ได้ — {exc}",
                hint="ติดตั้งแพ็กเกจ fonts-thai-tlwg (scripts/install.sh ติดตั้งให้)", id="saraban.E001"))
    return problems
