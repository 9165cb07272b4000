from trust_si.nav import NavItem

ITEMS = [
    NavItem("Visits", "visits:list", "visit.view", order=40),
]
