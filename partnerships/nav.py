from trust_si.nav import NavItem

ITEMS = [
    NavItem("Partnerships", "partnerships:dashboard", "partnership.view", order=60),
]
