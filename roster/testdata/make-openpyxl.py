# Writes roster-openpyxl.xlsx, a roster as a spreadsheet program saves it
# (openpyxl, not excelize, so that the reader meets another writer's
# workbook): a title row above the header, 序号, Chinese headers and
# values, a mobile number stored as a number, a second sheet.
# Run: /usr/bin/python3 make-openpyxl.py (Debian's python3-openpyxl).
import openpyxl

wb = openpyxl.Workbook()
ws = wb.active
ws.title = "企业名单"
ws.append(["晋江市文旅行业企业名单（2024年）"])
ws.merge_cells("A1:I1")
ws.append(["序号", "企业名称", "统一社会信用代码", "所属行业", "规模", "主管科室", "手机", "达标类型", "风险等级", "备注"])
ws.append([1, "晋江市海韵国际旅行社有限公司", "91350582MA46NJB583", "旅游行业", "规模以上", "行业管理科", 13805951001, "国标", "黄色", "无"])
ws.append([2, "晋江市五店市文化艺术有限公司", "９１350582MAD1A5PN7M", "", "小微企业", "市场管理科", "13805951002", "", "", ""])
ws.append([])
ws.append([3, "晋江市𠀀古窑博物馆", "91350582MA7C8W5708", "文物和博物馆", "中等", "", None, "地标", "蓝", ""])
other = wb.create_sheet("说明")
other.append(["本表由办公室维护"])
wb.save("roster-openpyxl.xlsx")
