package main

import (
	"fmt"
	"html"
	"os"
	"strconv"
	"strings"
)

// ratioChart writes an SVG bar chart of every figure that has a target: its ratio (or, for
// absolute targets, value over limit) as a bar, the target as a line.
func ratioChart(results []Result, path string) error {
	type bar struct {
		label         string
		ratio, target float64
		met           bool
	}
	var bars []bar
	for _, r := range results {
		for _, f := range r.Figures {
			if f.Target == "" || f.Met == nil {
				continue
			}
			num := strings.TrimSpace(strings.Trim(f.Target, "≥≤ MB"))
			t, err := strconv.ParseFloat(strings.Fields(num)[0], 64)
			if err != nil {
				continue
			}
			ratio := f.Ratio
			if strings.HasSuffix(f.Target, "MB") { // an absolute limit: show value/limit
				ratio, t = f.Value/t, 1
			}
			bars = append(bars, bar{f.Name, ratio, t, *f.Met})
		}
	}
	const w, rowH, left, scale = 900, 26, 430, 180.0 // scale: pixels per 1.0
	h := 40 + rowH*len(bars)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="12">`+"\n", w, h)
	fmt.Fprintf(&b, `<text x="10" y="20" font-weight="bold">Ratios against their targets (bar: measured, line: target)</text>`+"\n")
	for i, br := range bars {
		y := 34 + i*rowH
		color := "#2e7d32"
		if !br.met {
			color = "#c62828"
		}
		bw := min(br.ratio, 2.6) * scale
		fmt.Fprintf(&b, `<text x="10" y="%d">%s</text>`+"\n", y+14, html.EscapeString(br.label))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="18" fill="%s"/>`+"\n", left, y+2, bw, color)
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="black" stroke-width="2"/>`+"\n", left+br.target*scale, y, left+br.target*scale, y+22)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d">%.2f</text>`+"\n", float64(left)+bw+6, y+15, br.ratio)
	}
	b.WriteString("</svg>\n")
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
