#!/usr/bin/env python3
"""Writes Reference/kommungranser.geojson, the municipality boundaries the report's county map draws, from
../shared/geo/swedish_municipalities.geojson (Valmyndigheten's boundaries via okfse/sweden-geojson, simplified to 2 %;
see that folder's README): coordinates rounded to 4 decimals (about 10 m, far below what an A4 county map shows),
repeated points dropped, and only the properties the map uses: kod (SCB's code), namn, lan and punkt ([lat, lon] of a
point inside, where the label goes).

Usage: scripts/make-boundaries.py [SOURCE] [OUTPUT]
"""
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
source = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ROOT.parent / "shared" / "geo" / "swedish_municipalities.geojson")
output = pathlib.Path(sys.argv[2] if len(sys.argv) > 2 else ROOT / "Reference" / "kommungranser.geojson")


def ring(points):
    result = []
    for lon, lat in points:
        point = [round(lon, 4), round(lat, 4)]
        if not result or result[-1] != point:
            result.append(point)
    if result[0] != result[-1]:
        result.append(result[0])
    return result


data = json.loads(source.read_text(encoding="utf-8"))
features = []
for feature in sorted(data["features"], key=lambda f: f["properties"]["id"]):
    geometry = feature["geometry"]
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    polygons = [[ring(r) for r in polygon] for polygon in polygons]
    properties = feature["properties"]
    features.append({
        "type": "Feature",
        "properties": {"kod": properties["id"], "namn": properties["kom_namn"], "lan": properties["lan_code"],
                       "punkt": [round(properties["geo_point_2d"][0], 4), round(properties["geo_point_2d"][1], 4)]},
        "geometry": {"type": "MultiPolygon", "coordinates": polygons},
    })
lines = ['{"type":"FeatureCollection","features":[']
lines.append(",\n".join(json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features))
lines.append("]}")
output.write_text("\n".join(lines) + "\n", encoding="utf-8")
print(f"{len(features)} kommuner, {output.stat().st_size} byte i {output}")
