from trust_si.nav import NavItem

ITEMS = [
    NavItem("Heat map", "phases:heatmap", "heatmap.view", order=14),
    NavItem("Placements", "phases:list", "heatmap.view", order=15),
    NavItem("How placements are decided", "phases:casebook", "academy.view", order=16),
]
