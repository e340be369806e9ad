package plot

import (
	"fmt"
	"image/color"
	"math"
	"slices"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/ember-ml/ember/train"
)

// CompareRuns overlays the loss curves of several runs, one colour per run (named by
// names, in the legend): training loss solid, validation loss dashed. When every run
// records a metric (accuracy first, else the alphabetically first shared one) a second panel
// shows it the same way. Unlike LossCurves it marks no best epoch. It reads Title, Size, DPI.
func CompareRuns(hs []*train.History, names []string, opts ...Option) (*Figure, error) {
	if len(hs) == 0 {
		return nil, fmt.Errorf("plot: no runs to compare")
	}
	if len(names) != len(hs) {
		return nil, fmt.Errorf("plot: %d names for %d runs", len(names), len(hs))
	}
	var shared []string
	for i, h := range hs {
		if h == nil || len(h.Epochs) == 0 {
			return nil, fmt.Errorf("plot: run %d (%s) has no epochs", i, names[i])
		}
		m := metricBases(h)
		if i == 0 {
			shared = m
		} else {
			shared = slices.DeleteFunc(shared, func(s string) bool { return !slices.Contains(m, s) })
		}
	}
	metric := ""
	if len(shared) > 0 {
		metric = shared[0]
		if slices.Contains(shared, "accuracy") {
			metric = "accuracy"
		}
	}
	w := 6.5
	if metric != "" {
		w = 12
	}
	c, err := build(opts, "Training runs", w, 4.5)
	if err != nil {
		return nil, err
	}
	lossTitle := ""
	if metric != "" {
		lossTitle = "Loss"
	}
	loss := newPanel(lossTitle, "Epoch", "Loss")
	runsPanel(loss, hs, names, "train_loss", "val_loss")
	row := []*gplot.Plot{loss}
	if metric != "" {
		mp := newPanel("Metrics", "Epoch", metric)
		runsPanel(mp, hs, names, "train_"+metric, "val_"+metric)
		row = append(row, mp)
	}
	return c.figure([][]*gplot.Plot{row}), nil
}

// runsPanel draws quantity trainName (solid) and valName (dashed) of every run, with a
// legend of run colours and of the two line styles.
func runsPanel(p *gplot.Plot, hs []*train.History, names []string, trainName, valName string) {
	lg := &legend{}
	lo, hi := math.Inf(1), math.Inf(-1)
	anyVal := false
	for i, h := range hs {
		col := classColor(i)
		var thumb gplot.Thumbnailer
		for _, q := range []string{trainName, valName} {
			x, y := series(h, q)
			if len(x) == 0 {
				continue
			}
			l := line(x, y, col, 1.8, q == valName)
			p.Add(l)
			if len(h.Epochs) <= 30 {
				s, _ := plotter.NewScatter(xys(x, y))
				s.GlyphStyle = draw.GlyphStyle{Color: col, Radius: vg.Points(1.8), Shape: draw.CircleGlyph{}}
				p.Add(s)
			}
			if thumb == nil {
				thumb = line([]float64{0, 1}, []float64{0, 0}, col, 1.8, false)
			}
			anyVal = anyVal || q == valName
			for _, v := range y {
				lo, hi = min(lo, v), max(hi, v)
			}
		}
		if thumb != nil {
			lg.add(names[i], thumb)
		}
	}
	if anyVal { // the line styles need a key only when both appear
		gray := color.RGBA{90, 90, 90, 255}
		lg.add("training", line([]float64{0, 1}, []float64{0, 0}, gray, 1.5, false))
		lg.add("validation", line([]float64{0, 1}, []float64{0, 0}, gray, 1.5, true))
	}
	// Curves that end high (accuracy) leave the bottom right free for the legend.
	var endSum, ends float64
	for _, h := range hs {
		if _, y := series(h, trainName); len(y) > 0 {
			endSum, ends = endSum+y[len(y)-1], ends+1
		}
	}
	lg.bottom = ends > 0 && endSum/ends > (lo+hi)/2
	p.Add(plotter.NewGrid())
	p.X.Tick.Marker = niceTicks{whole: true}
	p.Add(lg)
}
