from trust_si.nav import NavItem

ITEMS = [
    NavItem("Frameworks", "frameworks:list", "framework.view", order=22),
]
