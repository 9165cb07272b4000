from trust_si.nav import NavItem

ITEMS = [
    NavItem("Uploads", "assessment:upload_list", "pupil_data.upload", order=20),
]
