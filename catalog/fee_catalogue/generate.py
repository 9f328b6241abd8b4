#!/usr/bin/env python3
"""Writes the example fee catalogues (example: true, 示例参数) of this folder: for each region a few
hundred codes of drugs (药品), medical services (诊疗项目) and consumables (医用耗材) with their
class 甲/乙/丙 and a price cap in fen. The seeds publish no catalogue; these are NOT the national
catalogue's codes or prices. Deterministic (a fixed seed per region), so re-running changes
nothing. Usage: python3 generate.py (run in this folder)."""
import random

DRUGS = ["阿莫西林胶囊", "头孢克肟片", "布洛芬缓释胶囊", "二甲双胍片", "硝苯地平控释片", "阿托伐他汀钙片",
         "氯吡格雷片", "奥美拉唑肠溶胶囊", "蒙脱石散", "复方甘草片", "氨溴索口服液", "左氧氟沙星片",
         "甲硝唑片", "阿司匹林肠溶片", "缬沙坦胶囊", "胰岛素注射液", "葡萄糖注射液", "氯化钠注射液",
         "维生素C片", "板蓝根颗粒", "藏药二十五味松石丸", "云南白药胶囊", "三七总皂苷片", "感冒清热颗粒"]
SERVICES = ["普通门诊诊查费", "住院诊查费", "床位费", "静脉输液", "肌肉注射", "血常规检查", "尿常规检查",
            "肝功能检测", "肾功能检测", "心电图检查", "胸部X线摄影", "CT平扫", "磁共振平扫", "彩色多普勒超声",
            "清创缝合术", "阑尾切除术", "剖宫产术", "血液透析", "针灸治疗", "康复评定", "护理费", "氧气吸入"]
MATERIALS = ["一次性输液器", "一次性注射器", "医用纱布", "导尿管", "留置针", "吸氧管", "心脏支架",
             "人工晶体", "骨科内固定板", "缝合线"]

REGIONS = {"qinghai": ("青海省", 630000), "yunnan": ("云南省", 530000)}


def rows(seed):
    rnd = random.Random(seed)
    out = []
    for i in range(160):  # drugs: X + 2 letters + 6 digits
        name = DRUGS[i % len(DRUGS)] + ("" if i < len(DRUGS) else f"（规格{i // len(DRUGS) + 1}）")
        cls = rnd.choices(["甲", "乙", "丙"], [5, 4, 1])[0]
        cap = rnd.choice([150, 320, 580, 990, 1280, 2450, 3600, 5800, 12000, 46000])
        out.append((f"XD{i // 26 + 10:02d}{chr(65 + i % 26)}{i:05d}", name, "药品", cls, cap))
    for i in range(110):  # services: 12 digits
        name = SERVICES[i % len(SERVICES)] + ("" if i < len(SERVICES) else f"（{i // len(SERVICES) + 1}类）")
        cls = rnd.choices(["甲", "乙", "丙"], [6, 3, 1])[0]
        cap = rnd.choice([300, 800, 1500, 2500, 4000, 9000, 22000, 60000, 150000, 380000])
        out.append((f"{110000000000 + i * 1013:012d}", name, "诊疗项目", cls, cap))
    for i in range(40):  # consumables: C + 13 digits
        name = MATERIALS[i % len(MATERIALS)] + ("" if i < len(MATERIALS) else f"（型号{i // len(MATERIALS) + 1}）")
        cls = rnd.choices(["甲", "乙", "丙"], [2, 6, 2])[0]
        cap = rnd.choice([120, 450, 900, 3000, 25000, 180000, 650000])
        out.append((f"C{1400000000000 + i * 7919:013d}", name, "医用耗材", cls, cap))
    return out


for region, (name, division) in REGIONS.items():
    with open(f"{region}.csv", "w", encoding="utf-8", newline="\n") as f:
        f.write(f"# {name}（{division}）医保收费目录 —— 示例参数\n")
        f.write("# example: true\n")
        f.write("# 种子文件未提供药品、诊疗项目和医用耗材目录；以下编码、类别和限价均为示例，不是国家或本省目录的数值。\n")
        f.write("# 西宁市（630100）沿用青海省目录（catalog extends）。格式见 src/settlement/fee_catalogue.hpp。\n")
        f.write("code,name,kind,class,price_cap_fen\n")
        for r in rows(division):
            f.write(",".join(str(x) for x in r) + "\n")
