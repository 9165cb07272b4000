"""Composition: the one layer that knows every app (URLs, navigation, the dashboard, the demo).

Nothing imports it; it imports everything, by plain imports, so a rename fails at start-up.
"""
