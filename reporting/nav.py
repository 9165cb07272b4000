from trust_si.nav import NavItem

ITEMS = [
    NavItem("Reports", "reporting:list", "report.view", order=80),
]
