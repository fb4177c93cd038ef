"""执法质量台账 — 县级司法局提升行政执法质量三年行动的离线台账。

The version lives here and only here (installer, About box and document properties read it).
"""
__version__ = "0.1.0"
APP_NAME = "执法质量台账"
APP_ID = "desktop_app"
