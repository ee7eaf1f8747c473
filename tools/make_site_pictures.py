#!/usr/bin/python3
"""Draws one SVG per protocol stimulation site into resources/sites/ (run from the repository root:
/usr/bin/python3 tools/make_site_pictures.py). Each picture: the limb's outline, the recording
electrode (black), the stimulation point (red) and the distance to measure (dashed), with labels.
Only the SVG subset the workstation's viewer draws is used (ui/study/site_picture.h): path with
M/L/Z, circle, line (stroke-dasharray), text; no transforms, styles or gradients."""
import glob
import json
import os

W, H = 400, 600
LEG = "M150 20 L250 20 L245 250 L235 300 L225 470 L228 520 L300 545 L335 565 L330 585 L205 585 L180 560 L185 520 L175 470 L160 300 L155 250 Z"
ARM = "M150 20 L230 20 L228 250 L222 300 L215 450 L240 470 L245 560 L230 585 L160 585 L150 560 L160 470 L180 450 L172 300 L165 250 Z"

LEG_POINTS = {
    "popliteal fossa": (200, 255), "lateral popliteal fossa": (238, 250), "below fibular head": (238, 305),
    "posterior calf": (190, 420), "lateral calf": (228, 430), "medial ankle": (183, 520), "ankle": (215, 515),
    "lateral malleolus": (226, 528), "lateral ankle": (232, 540), "extensor digitorum brevis": (262, 555),
    "abductor hallucis": (210, 578), "soleus": (205, 380),
}
ARM_POINTS = {
    "axilla": (190, 40), "above elbow": (200, 230), "below elbow": (197, 300), "antecubital fossa": (195, 262),
    "forearm": (205, 390), "wrist": (190, 455), "palm": (195, 500), "abductor pollicis brevis": (165, 490),
    "abductor digiti minimi": (238, 500), "first dorsal interosseous": (170, 520), "second lumbrical / interossei": (185, 530),
    "digit 2": (180, 575), "digit 5": (235, 570), "snuffbox": (160, 462),
}
UPPER_NERVES = ("median", "ulnar", "radial")


def slug(text):
    out = "".join(c if c.isalnum() else "-" for c in text.lower())
    while "--" in out:
        out = out.replace("--", "-")
    return out.strip("-")


def file_name(kind, nerve, recording, site):
    """The name the workstation looks for (emg::study::sitePictureFile): kind, nerve, recording site, site."""
    return f"{slug(kind)}-{slug(nerve)}-{slug(recording)}-{slug(site)}.svg"


def esc(t):
    return t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def label(x, y, text, color, anchor="start"):
    return f'<text x="{x}" y="{y}" font-size="14" fill="{color}" text-anchor="{anchor}">{esc(text)}</text>'


def picture(kind, nerve, sites, index, recording):
    upper = nerve.split("-")[0].split(" ")[0] in UPPER_NERVES
    points = ARM_POINTS if upper else LEG_POINTS
    site = sites[index]
    stim = points[site["name"]]
    rec = points[recording]
    to = rec if index == 0 else points[sites[index - 1]["name"]]
    dist = site.get("distanceMm")
    to_name = recording if index == 0 else sites[index - 1]["name"]
    measure = f"measure {dist:g} mm to {to_name}" if dist else f"measure (tape) to {to_name}"
    title = f"{kind} {nerve}: stimulate at {site['name']}"
    side = 1 if stim[0] < 200 else -1
    lx = 20 if side > 0 else 380
    anchor = "start" if side > 0 else "end"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}">',
        f'<path id="limb" d="{ARM if upper else LEG}" fill="#f2e6da" stroke="#7a6a5a" stroke-width="3"/>',
        f'<line id="distance" x1="{stim[0]}" y1="{stim[1]}" x2="{to[0]}" y2="{to[1]}" stroke="#1f5fbf" stroke-width="2" stroke-dasharray="6 4"/>',
        f'<circle id="recording" cx="{rec[0]}" cy="{rec[1]}" r="8" fill="#000000" stroke="#ffffff" stroke-width="2"/>',
        f'<circle id="stimulation" cx="{stim[0]}" cy="{stim[1]}" r="9" fill="#d62020" stroke="#ffffff" stroke-width="2"/>',
        label(10, 18, title, "#202020"),
        label(lx, min(stim[1] + 4, 560), "stimulate: " + site["name"], "#d62020", anchor),
        label(W - lx if anchor == "start" else 20, min(rec[1] + 4, 590), "record: " + recording, "#000000", "end" if anchor == "start" else "start"),
        label(10, 596, measure, "#1f5fbf"),
        "</svg>",
    ]
    return "\n".join(parts) + "\n"


def main():
    out_dir = os.path.join("resources", "sites")
    os.makedirs(out_dir, exist_ok=True)
    written = set()
    for f in sorted(glob.glob("resources/protocols/*.json")):
        for t in json.load(open(f))["tests"]:
            if t["kind"] == "needle":
                continue
            for i, s in enumerate(t.get("sites", [])):
                name = file_name(t["kind"], t["nerve"], t["recordingSite"], s["name"])
                if name in written:
                    continue
                with open(os.path.join(out_dir, name), "w") as fh:
                    fh.write(picture(t["kind"], t["nerve"], t["sites"], i, t["recordingSite"]))
                written.add(name)
    print(f"{len(written)} pictures in {out_dir}")


if __name__ == "__main__":
    main()
