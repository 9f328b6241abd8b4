#!/usr/bin/env bash
# bench/import_residents.sh: batch enrolment of generated residents (issue 6 §6: 1,000,000 rows
# under 20 s on 2 cores with durable commits). Generates a CSV of ROWS person rows of which about
# 5 % are rejected (wrong check digit, a duplicate of an earlier row, an empty name, a bad phone,
# an unknown identity), then times `jingban import-residents` on a fresh database file on disk
# (synchronous=FULL: the batch is one durable transaction) and checks the report's counts.
#
# Usage: bench/import_residents.sh [ROWS]       (default 1000000)
# Environment: BUILD_DIR [<repo>/build]  WORK_DIR [$BUILD_DIR/bench-import] (on disk, not tmpfs)
#              KEEP [0] keep the CSV and the database afterwards
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build}
ROWS=${1:-1000000}
WORK=${WORK_DIR:-$BUILD/bench-import}
BIN=$BUILD/jingban
[ -x "$BIN" ] || { echo "no $BIN: build first (ninja -C $BUILD jingban)" >&2; exit 1; }

mkdir -p "$WORK"
CSV=$WORK/residents-$ROWS.csv
DB=$WORK/import-bench.db
[ "${KEEP:-0}" = 1 ] || trap 'rm -f "$DB" "$DB-wal" "$DB-shm" "$CSV" "$WORK/report.json"' EXIT
rm -f "$DB" "$DB-wal" "$DB-shm"

# Expected counts are written to $CSV.expect: "<accepted> <rejected>".
python3 - "$ROWS" "$CSV" <<'EOF'
import datetime
import random
import sys

rows, path = int(sys.argv[1]), sys.argv[2]
rng = random.Random(6)
W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = "10X98765432"
AREAS = ["630102", "630103", "630104", "630105", "630121", "630122", "630123", "632123"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红娥玲芬建国文辉鹏"
IDENTITIES = [""] * 90 + ["普通居民"] * 4 + ["低保"] * 3 + ["特困", "重度残疾", "其他救助对象"]
start = datetime.date(1940, 1, 1)

def cid(i):
    # Unique per i: area, birth date and sequence spread i over 8 × 30,000 × 1000 numbers.
    area = AREAS[i % len(AREAS)]
    day = start + datetime.timedelta(days=(i // len(AREAS)) // 1000 % 25000)
    body = "%s%s%03d" % (area, day.strftime("%Y%m%d"), (i // len(AREAS)) % 1000)
    return body + CHECK[sum(int(c) * w for c, w in zip(body, W)) % 11]

accepted = rejected = 0
issued = []
with open(path, "w", encoding="utf-8", newline="") as f:
    f.write("id_no,name,phone,identity\r\n")
    for n in range(rows):
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
        phone = "1%d%09d" % (rng.randint(3, 9), rng.randrange(10**9)) if n % 3 else ""
        identity = rng.choice(IDENTITIES)
        bad = n % 20 == 19  # 5 % of the rows
        id_no = cid(n)
        if bad:
            kind = (n // 20) % 5
            if kind == 0:
                id_no = id_no[:17] + ("0" if id_no[17] != "0" else "1")
            elif kind == 1 and issued:
                id_no = issued[rng.randrange(len(issued))]
            elif kind == 2:
                name = ""
            elif kind == 3:
                phone = "12345"
            else:
                identity = "富人"
            rejected += 1
        else:
            issued.append(id_no) if len(issued) < 100000 else None
            accepted += 1
        if "," in name:
            name = '"%s"' % name
        f.write("%s,%s,%s,%s\r\n" % (id_no, name, phone, identity))
with open(path + ".expect", "w") as f:
    f.write("%d %d\n" % (accepted, rejected))
EOF
read -r WANT_ACCEPTED WANT_REJECTED < "$CSV.expect"
rm -f "$CSV.expect"

echo "import-residents: $ROWS rows ($(du -h "$CSV" | cut -f1)), $(nproc) cores, db $DB"
START=$(date +%s.%N)
"$BIN" import-residents --db "$DB" --region qinghai --catalog "$ROOT/catalog" "$CSV" \
  > "$WORK/report.json"
END=$(date +%s.%N)
read -r GOT_ACCEPTED GOT_REJECTED < <(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(r["accepted"], len(r["rejected"]))' "$WORK/report.json")
SECONDS_TAKEN=$(python3 -c "print('%.2f' % ($END - $START))")
echo "accepted $GOT_ACCEPTED (want $WANT_ACCEPTED), rejected $GOT_REJECTED (want $WANT_REJECTED)"
echo "elapsed ${SECONDS_TAKEN} s (target < 20 s for 1,000,000 rows), db $(du -h "$DB" | cut -f1)"
if [ "$GOT_ACCEPTED" != "$WANT_ACCEPTED" ] || [ "$GOT_REJECTED" != "$WANT_REJECTED" ]; then
  echo "import-residents: counts differ from the generated file" >&2
  exit 1
fi
