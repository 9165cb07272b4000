from trust_si.nav import NavItem

ITEMS = [
    NavItem("Visits", "visits:list", "visit.read", order=40),
]
