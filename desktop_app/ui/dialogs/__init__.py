"""Dialogs. Each validates through the core and shows the core's Chinese message inline."""
