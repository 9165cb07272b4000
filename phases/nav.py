from trust_si.nav import NavItem

ITEMS = [
    NavItem("Placements", "phases:list", "heatmap.view", order=15),
]
