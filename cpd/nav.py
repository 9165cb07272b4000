from trust_si.nav import NavItem

ITEMS = [
    NavItem("CPD", "cpd:dashboard", "cpd.view", order=55),
]
