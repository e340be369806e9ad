package plot

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"sort"
	"strconv"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// StudyHistory draws a hyperparameter study's optimisation history, like Optuna's
// plot_optimization_history: each trial's score against its number, complete trials as filled
// circles, pruned ones as open grey circles at the score of their last report, and the best
// complete score so far as a step line. numbers, scores and pruned are one entry per trial
// (leave failed trials out); maximize says whether higher scores are better. It reads Title,
// Size, DPI and AxisLabels (default "Trial", "Score").
func StudyHistory(numbers []int, scores []float64, pruned []bool, maximize bool, opts ...Option) (*Figure, error) {
	if len(numbers) == 0 {
		return nil, fmt.Errorf("plot: no trials to draw")
	}
	if len(scores) != len(numbers) || len(pruned) != len(numbers) {
		return nil, fmt.Errorf("plot: %d trial numbers, %d scores and %d pruned flags; want one of each per trial", len(numbers), len(scores), len(pruned))
	}
	for i, v := range scores {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("plot: score of trial %d is %v; leave failed trials out", numbers[i], v)
		}
		if numbers[i] < 0 {
			return nil, fmt.Errorf("plot: trial number %d is negative", numbers[i])
		}
	}
	c, err := build(opts, "Optimisation history", 7, 4.5)
	if err != nil {
		return nil, err
	}
	if c.xLabel == "" && c.yLabel == "" {
		c.xLabel, c.yLabel = "Trial", "Score"
	}
	order := make([]int, len(numbers))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return numbers[order[a]] < numbers[order[b]] })

	p := newPanel("", c.xLabel, c.yLabel)
	p.Add(plotter.NewGrid())
	var done, cut plotter.XYs
	var bestX, bestY []float64
	best := math.NaN()
	for _, i := range order {
		pt := plotter.XY{X: float64(numbers[i]), Y: scores[i]}
		if pruned[i] {
			cut = append(cut, pt)
			continue
		}
		done = append(done, pt)
		if math.IsNaN(best) || (maximize && scores[i] > best) || (!maximize && scores[i] < best) {
			best = scores[i]
		}
		bestX, bestY = append(bestX, pt.X), append(bestY, best)
	}
	lg := &legend{}
	blue, grey := classColor(0), color.RGBA{150, 150, 150, 255}
	if len(bestX) > 0 {
		// A step line: the best holds until the next complete trial, and on to the last trial.
		var sx, sy []float64
		for i := range bestX {
			if i > 0 {
				sx, sy = append(sx, bestX[i]), append(sy, bestY[i-1])
			}
			sx, sy = append(sx, bestX[i]), append(sy, bestY[i])
		}
		if last := float64(numbers[order[len(order)-1]]); last > sx[len(sx)-1] {
			sx, sy = append(sx, last), append(sy, sy[len(sy)-1])
		}
		l := line(sx, sy, classColor(3), 2, false)
		p.Add(l)
		lg.add("best so far", l)
	}
	radius := vg.Points(3.5)
	if len(numbers) > 100 {
		radius = vg.Points(2.5)
	}
	if len(done) > 0 {
		s, _ := plotter.NewScatter(done)
		s.GlyphStyle = draw.GlyphStyle{Color: blue, Radius: radius, Shape: draw.CircleGlyph{}}
		p.Add(s)
		lg.add(fmt.Sprintf("complete (%d)", len(done)), s)
	}
	if len(cut) > 0 {
		s, _ := plotter.NewScatter(cut)
		s.GlyphStyle = draw.GlyphStyle{Color: grey, Radius: radius, Shape: draw.RingGlyph{}}
		p.Add(s)
		lg.add(fmt.Sprintf("pruned (%d), last report", len(cut)), s)
	}
	// The best line starts low on the left and climbs when maximising (falls when
	// minimising): the top left (bottom left) corner is the one that stays free.
	lg.left, lg.bottom = true, !maximize
	p.X.Tick.Marker = niceTicks{whole: true}
	lo, hi := slices.Min(scores), slices.Max(scores)
	pad := (hi - lo) * 0.05
	if pad == 0 {
		pad = math.Max(math.Abs(hi)*0.05, 0.01)
	}
	p.Y.Min, p.Y.Max = lo-pad, hi+pad
	// Headroom for the legend, so that it covers no trial, without ticks there: an accuracy
	// axis should not be labelled past 1.
	if room := (p.Y.Max - p.Y.Min) * 0.2; maximize {
		p.Y.Max += room
		p.Y.Tick.Marker = clippedTicks{lo: math.Inf(-1), hi: hi + pad}
	} else {
		p.Y.Min -= room
		p.Y.Tick.Marker = clippedTicks{lo: lo - pad, hi: math.Inf(1)}
	}
	first, last := float64(numbers[order[0]]), float64(numbers[order[len(order)-1]])
	p.X.Min, p.X.Max = first-0.5, last+0.5
	p.Add(lg)
	return c.figure([][]*gplot.Plot{{p}}), nil
}

// clippedTicks are niceTicks without those outside [lo, hi].
type clippedTicks struct{ lo, hi float64 }

func (t clippedTicks) Ticks(lo, hi float64) []gplot.Tick {
	var out []gplot.Tick
	for _, tk := range (niceTicks{}).Ticks(max(lo, t.lo), min(hi, t.hi)) {
		if tk.Value >= lo && tk.Value <= hi {
			out = append(out, tk)
		}
	}
	return out
}

// SpearmanImportance returns each parameter's importance as the absolute Spearman rank
// correlation between its values and the scores, over the trials given (use complete trials
// only): |ρ| in [0, 1], 0 for a parameter that never varies. values[j][i] is parameter j's value
// in trial i. Ranks break ties by averaging, as scipy.stats.spearmanr does; being ranks, they
// are the same on a log scale as on a linear one. sign[j] is +1 when higher values go with
// higher scores, −1 when they go with lower ones, 0 when ρ is 0.
func SpearmanImportance(values [][]float64, scores []float64) (importance, sign []float64, err error) {
	if len(scores) < 3 {
		return nil, nil, fmt.Errorf("plot: parameter importance needs at least 3 trials, got %d", len(scores))
	}
	for i, v := range scores {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, nil, fmt.Errorf("plot: score %d is %v", i, v)
		}
	}
	rs := ranks(scores)
	importance, sign = make([]float64, len(values)), make([]float64, len(values))
	for j, v := range values {
		if len(v) != len(scores) {
			return nil, nil, fmt.Errorf("plot: parameter %d has %d values for %d scores", j, len(v), len(scores))
		}
		for i, x := range v {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, nil, fmt.Errorf("plot: parameter %d's value in trial %d is %v", j, i, x)
			}
		}
		rho := pearson(ranks(v), rs)
		importance[j] = math.Abs(rho)
		switch {
		case rho > 0:
			sign[j] = 1
		case rho < 0:
			sign[j] = -1
		}
	}
	return importance, sign, nil
}

// ranks returns v's ranks 1…n, ties sharing their mean rank.
func ranks(v []float64) []float64 {
	idx := make([]int, len(v))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return v[idx[a]] < v[idx[b]] })
	r := make([]float64, len(v))
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && v[idx[j+1]] == v[idx[i]] {
			j++
		}
		mean := float64(i+j)/2 + 1
		for k := i; k <= j; k++ {
			r[idx[k]] = mean
		}
		i = j + 1
	}
	return r
}

// pearson returns the correlation of x and y, 0 when either is constant.
func pearson(x, y []float64) float64 {
	var mx, my float64
	for i := range x {
		mx += x[i]
		my += y[i]
	}
	mx /= float64(len(x))
	my /= float64(len(y))
	var sxy, sxx, syy float64
	for i := range x {
		dx, dy := x[i]-mx, y[i]-my
		sxy += dx * dy
		sxx += dx * dx
		syy += dy * dy
	}
	if sxx == 0 || syy == 0 {
		return 0
	}
	return max(-1, min(1, sxy/math.Sqrt(sxx*syy)))
}

// ParamImportance draws parameter importances as horizontal bars, the most important on top,
// each labelled with its value: importance[j] belongs to names[j] and must be finite and not
// negative. sign, when not nil, colours bar j blue for +1 (higher values, higher scores) and
// orange for −1, with a legend; method names the way the importances were computed, shown
// under the title (e.g. "|Spearman ρ| between each parameter and the score, 40 complete
// trials"). It reads Title, Size, DPI.
func ParamImportance(names []string, importance, sign []float64, method string, opts ...Option) (*Figure, error) {
	if len(names) == 0 {
		return nil, fmt.Errorf("plot: no parameters to draw")
	}
	if len(importance) != len(names) || (sign != nil && len(sign) != len(names)) {
		return nil, fmt.Errorf("plot: %d names, %d importances and %d signs; want one of each per parameter", len(names), len(importance), len(sign))
	}
	top := 0.0
	for j, v := range importance {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			return nil, fmt.Errorf("plot: importance of %s is %v; want a finite value ≥ 0", names[j], v)
		}
		top = max(top, v)
	}
	height := 1.6 + 0.45*float64(len(names))
	if sign != nil {
		height += 0.35 // a free row at the bottom for the legend
	}
	c, err := build(opts, "Parameter importance", 7, height)
	if err != nil {
		return nil, err
	}
	// Bars bottom to top in increasing importance, so the most important is on top.
	order := make([]int, len(names))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return importance[order[a]] < importance[order[b]] })
	title := c.title
	if method != "" {
		title += "\n" + method
	}
	p := newPanel(title, "Importance", "Parameter")
	p.Title.TextStyle.Font.Size = 12
	p.Add(plotter.NewGrid())
	labels := make([]string, len(order))
	pos, neg := color.RGBA{31, 119, 180, 255}, color.RGBA{255, 127, 14, 255}
	var thumbs [2]gplot.Thumbnailer // a bar of each colour: higher scores, lower scores
	for k, j := range order {
		labels[k] = names[j]
		vals := make(plotter.Values, len(order))
		vals[k] = importance[j]
		bar, err := plotter.NewBarChart(vals, vg.Points(16))
		if err != nil {
			return nil, err
		}
		bar.Horizontal = true
		bar.LineStyle.Width = 0
		col, s := pos, 1.0
		if sign != nil && sign[j] < 0 {
			col, s = neg, -1
		}
		bar.Color = col
		p.Add(bar)
		if sign != nil && importance[j] > 0 {
			thumbs[int(1-s)/2] = bar
		}
	}
	vl := make(plotter.XYs, len(order))
	txt := make([]string, len(order))
	for k, j := range order {
		vl[k] = plotter.XY{X: importance[j], Y: float64(k)}
		txt[k] = " " + strconv.FormatFloat(importance[j], 'f', 2, 64)
	}
	l, err := plotter.NewLabels(plotter.XYLabels{XYs: vl, Labels: txt})
	if err != nil {
		return nil, err
	}
	for i := range l.TextStyle {
		l.TextStyle[i].Font = p.X.Tick.Label.Font
		l.TextStyle[i].YAlign = draw.YCenter
	}
	p.Add(l)
	p.NominalY(labels...)
	p.Y.Tick.Label.Font.Size = 10
	p.X.Min = 0
	p.X.Max = math.Max(top*1.2, 0.1)
	if top <= 1 {
		p.X.Max = math.Min(p.X.Max, 1.15)
	}
	if sign != nil {
		p.Y.Min = -1.4 // the free row: nominal rows are 0, 1, …, the lowest bar's at 0
	}
	lg := &legend{bottom: true}
	for k, name := range []string{"higher value, higher score", "higher value, lower score"} {
		if thumbs[k] != nil {
			lg.add(name, thumbs[k])
		}
	}
	p.Add(lg)
	// The single panel takes the title; keep ours, with the method under it.
	f := c.figure([][]*gplot.Plot{{p}})
	p.Title.Text = title
	return f, nil
}
