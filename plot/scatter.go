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

	"github.com/ember-ml/ember/tensor"
)

var noiseGray = color.RGBA{160, 160, 160, 255}

// Scatter draws 2-D points X [N, 2] coloured by labels [N] (class or cluster indices; -1,
// DBSCAN's noise, is grey), with a legend; nil labels draw every point alike. It reads
// Title, Size, DPI, AxisLabels, ClassNames.
func Scatter(X, labels *tensor.Tensor, opts ...Option) (*Figure, error) {
	c, err := build(opts, "", 6, 4.5)
	if err != nil {
		return nil, err
	}
	xv, err := points2D("X", X)
	if err != nil {
		return nil, err
	}
	n := len(xv) / 2
	lab := make([]int, n)
	if labels != nil {
		v, err := floats("labels", labels)
		if err != nil {
			return nil, err
		}
		if labels.Dim() != 1 || len(v) != n {
			return nil, fmt.Errorf("plot: labels must have shape [%d], got %v", n, labels.Shape())
		}
		for i, x := range v {
			if x < -1 || x != math.Trunc(x) || x > 1e6 {
				return nil, fmt.Errorf("plot: labels[%d] = %v is not a class index (-1, 0, 1, …)", i, x)
			}
			lab[i] = int(x)
		}
	}
	ks := slices.Compact(slices.Sorted(slices.Values(lab)))
	p := newPanel(c.title, c.xLabel, c.yLabel)
	p.Add(plotter.NewGrid())
	radius := vg.Points(3)
	if n > 2000 {
		radius = vg.Points(1.5)
	}
	lg := &legend{}
	target := &raster{}
	for _, k := range ks {
		var pts plotter.XYs
		for i, l := range lab {
			if l == k {
				pts = append(pts, plotter.XY{X: xv[2*i], Y: xv[2*i+1]})
			}
		}
		col, name := classColor(max(k, 0)), c.className(k)
		if k < 0 {
			col, name = noiseGray, "noise"
		}
		s := newDots(pts, col, radius, target)
		p.Add(s)
		if labels != nil {
			lg.add(name, s)
		}
	}
	p.Add(lg)
	f := c.figure([][]*gplot.Plot{{p}})
	f.raster = target
	return f, nil
}

// Histogram draws the distribution of values (any shape, flattened) in bins equal-width bins
// (0: √N, at most 100). It reads Title, Size, DPI, AxisLabels.
func Histogram(values *tensor.Tensor, bins int, opts ...Option) (*Figure, error) {
	c, err := build(opts, "", 6, 4.5)
	if err != nil {
		return nil, err
	}
	v, err := floats("values", values)
	if err != nil {
		return nil, err
	}
	if len(v) == 0 {
		return nil, fmt.Errorf("plot: histogram of no values")
	}
	if bins < 0 {
		return nil, fmt.Errorf("plot: bins must be ≥ 0, got %d", bins)
	}
	if bins == 0 {
		bins = min(max(int(math.Ceil(math.Sqrt(float64(len(v))))), 1), 100)
	}
	h, err := plotter.NewHist(plotter.Values(v), bins)
	if err != nil {
		return nil, fmt.Errorf("plot: histogram: %w", err)
	}
	h.FillColor = lighten(classColor(0), 0.15)
	h.LineStyle = draw.LineStyle{Color: color.White, Width: vg.Points(0.6)}
	ylabel := c.yLabel
	if ylabel == "" {
		ylabel = "Count"
	}
	p := newPanel(c.title, c.xLabel, ylabel)
	p.Add(plotter.NewGrid(), h)
	top := 0.0
	for _, b := range h.Bins {
		top = max(top, b.Weight)
	}
	p.Y.Min, p.Y.Max = 0, top*1.05
	return c.figure([][]*gplot.Plot{{p}}), nil
}
