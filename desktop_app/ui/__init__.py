"""The Qt layer: a thin GUI over desktop_app.core."""
