from trust_si.nav import NavItem

ITEMS = [
    NavItem("Planning", "planning:overview", "planning.view", order=57),
]
