package plot

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"sort"
	"strings"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/ember-ml/ember/tensor"
	"github.com/ember-ml/ember/train"
)

// binaryInputs checks yTrue (0/1 or bool, shape [N]) and scores ([N] or [N, 1]).
func binaryInputs(yTrue, scores *tensor.Tensor) ([]bool, []float64, error) {
	s, err := floats("scores", scores)
	if err != nil {
		return nil, nil, err
	}
	if scores.Dim() > 2 || (scores.Dim() == 2 && scores.Size(1) != 1) || scores.Dim() == 0 {
		return nil, nil, fmt.Errorf("plot: scores must have shape [N] or [N, 1], got %v", scores.Shape())
	}
	y, err := labels("yTrue", yTrue, len(s))
	if err != nil {
		return nil, nil, err
	}
	pos := make([]bool, len(y))
	var np int
	for i, v := range y {
		if v > 1 {
			return nil, nil, fmt.Errorf("plot: yTrue must hold 0 and 1 only, got %d at %d", v, i)
		}
		pos[i] = v == 1
		np += v
	}
	if np == 0 || np == len(y) {
		return nil, nil, fmt.Errorf("plot: yTrue must hold both classes, got %d positives of %d", np, len(y))
	}
	return pos, s, nil
}

// binaryCurve returns the false and true positive counts at each distinct score, from the
// highest score down, like scikit-learn's _binary_clf_curve.
func binaryCurve(pos []bool, s []float64) (fps, tps, thr []float64) {
	idx := make([]int, len(s))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return s[idx[a]] > s[idx[b]] })
	var tp float64
	for k, i := range idx {
		if pos[i] {
			tp++
		}
		if k == len(idx)-1 || s[idx[k+1]] != s[i] {
			tps = append(tps, tp)
			fps = append(fps, float64(k+1)-tp)
			thr = append(thr, s[i])
		}
	}
	return fps, tps, thr
}

// ROCCurve returns the receiver operating characteristic of binary labels yTrue (0/1) and
// scores (higher means class 1), like scikit-learn 1.2's roc_curve with drop_intermediate:
// points where the curve does not turn are dropped, and the first threshold is the highest
// score plus 1, where fpr = tpr = 0.
func ROCCurve(yTrue, scores *tensor.Tensor) (fpr, tpr, thresholds []float64, err error) {
	pos, s, err := binaryInputs(yTrue, scores)
	if err != nil {
		return nil, nil, nil, err
	}
	fps, tps, thr := binaryCurve(pos, s)
	if len(fps) > 2 { // keep the ends and every point where a second difference is non-zero
		keep := []int{0}
		for i := 1; i+1 < len(fps); i++ {
			if fps[i+1]-2*fps[i]+fps[i-1] != 0 || tps[i+1]-2*tps[i]+tps[i-1] != 0 {
				keep = append(keep, i)
			}
		}
		keep = append(keep, len(fps)-1)
		pick := func(v []float64) []float64 {
			out := make([]float64, len(keep))
			for j, i := range keep {
				out[j] = v[i]
			}
			return out
		}
		fps, tps, thr = pick(fps), pick(tps), pick(thr)
	}
	nf, nt := fps[len(fps)-1], tps[len(tps)-1]
	fpr, tpr = []float64{0}, []float64{0}
	thresholds = append([]float64{thr[0] + 1}, thr...)
	for i := range fps {
		fpr = append(fpr, fps[i]/nf)
		tpr = append(tpr, tps[i]/nt)
	}
	return fpr, tpr, thresholds, nil
}

// PrecisionRecallCurve returns precision and recall at each distinct score, like
// scikit-learn 1.2's precision_recall_curve: ordered by increasing threshold, with a final
// point (precision 1, recall 0) that has no threshold.
func PrecisionRecallCurve(yTrue, scores *tensor.Tensor) (precision, recall, thresholds []float64, err error) {
	pos, s, err := binaryInputs(yTrue, scores)
	if err != nil {
		return nil, nil, nil, err
	}
	fps, tps, thr := binaryCurve(pos, s)
	nt := tps[len(tps)-1]
	for i := len(tps) - 1; i >= 0; i-- {
		precision = append(precision, tps[i]/(tps[i]+fps[i])) // tps+fps ≥ 1 at every distinct score
		recall = append(recall, tps[i]/nt)
		thresholds = append(thresholds, thr[i])
	}
	return append(precision, 1), append(recall, 0), thresholds, nil
}

// AveragePrecision is scikit-learn's average_precision_score: Σ (Rₙ − Rₙ₋₁) Pₙ over the
// precision–recall curve's points.
func AveragePrecision(yTrue, scores *tensor.Tensor) (float64, error) {
	p, r, _, err := PrecisionRecallCurve(yTrue, scores)
	if err != nil {
		return 0, err
	}
	return averagePrecision(p, r), nil
}

func averagePrecision(p, r []float64) float64 {
	var ap float64
	for i := 0; i+1 < len(r); i++ {
		ap -= (r[i+1] - r[i]) * p[i]
	}
	return ap
}

// trapezoid returns the area under y(x) by the trapezoidal rule (numpy.trapz).
func trapezoid(x, y []float64) float64 {
	var a float64
	for i := 1; i < len(x); i++ {
		a += (x[i] - x[i-1]) * (y[i] + y[i-1]) / 2
	}
	return a
}

func xys(x, y []float64) plotter.XYs {
	pts := make(plotter.XYs, len(x))
	for i := range x {
		pts[i] = plotter.XY{X: x[i], Y: y[i]}
	}
	return pts
}

func line(x, y []float64, c color.Color, width float64, dashed bool) *plotter.Line {
	l, err := plotter.NewLine(xys(x, y))
	if err != nil {
		panic(err) // unreachable: callers pass finite values
	}
	l.Color = c
	l.Width = vg.Points(width)
	if dashed {
		l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
	}
	return l
}

var chanceGray = color.RGBA{130, 130, 130, 255}

// unitAxes fixes both axes to [0, 1] with a little room, for rate curves.
func unitAxes(p *gplot.Plot) {
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = -0.02, 1.02, -0.02, 1.02
	p.Add(plotter.NewGrid())
}

// ROC plots the ROC curve of scores for binary labels yTrue, with the area under it in the
// legend and the chance diagonal. It reads Title, Size, DPI.
func ROC(yTrue, scores *tensor.Tensor, opts ...Option) (*Figure, error) {
	c, err := build(opts, "ROC curve", 5.5, 5)
	if err != nil {
		return nil, err
	}
	fpr, tpr, _, err := ROCCurve(yTrue, scores)
	if err != nil {
		return nil, err
	}
	p := newPanel(c.title, "False positive rate", "True positive rate")
	unitAxes(p)
	chance := line([]float64{0, 1}, []float64{0, 1}, chanceGray, 1, true)
	curve := line(fpr, tpr, classColor(0), 2, false)
	p.Add(chance, curve)
	lg := &legend{bottom: true}
	lg.add(fmt.Sprintf("ROC (AUC = %.3f)", trapezoid(fpr, tpr)), curve)
	lg.add("chance (AUC = 0.5)", chance)
	p.Add(lg)
	return c.figure([][]*gplot.Plot{{p}}), nil
}

// PrecisionRecall plots precision against recall for binary labels yTrue, with the average
// precision in the legend and the positive rate (a random classifier's precision) dashed. It
// reads Title, Size, DPI.
func PrecisionRecall(yTrue, scores *tensor.Tensor, opts ...Option) (*Figure, error) {
	c, err := build(opts, "Precision–recall curve", 5.5, 5)
	if err != nil {
		return nil, err
	}
	prec, rec, _, err := PrecisionRecallCurve(yTrue, scores)
	if err != nil {
		return nil, err
	}
	pos, _, _ := binaryInputs(yTrue, scores)
	var np float64
	for _, b := range pos {
		np += b2f(b)
	}
	rate := np / float64(len(pos))
	p := newPanel(c.title, "Recall", "Precision")
	unitAxes(p)
	chance := line([]float64{0, 1}, []float64{rate, rate}, chanceGray, 1, true)
	curve := line(rec, prec, classColor(1), 2, false)
	curve.StepStyle = plotter.PostStep // steps-post, as scikit-learn draws it: the area under the steps is the AP
	p.Add(chance, curve)
	lg := &legend{left: true, bottom: true}
	lg.add(fmt.Sprintf("AP = %.3f", averagePrecision(prec, rec)), curve)
	lg.add(fmt.Sprintf("chance (%.2f)", rate), chance)
	p.Add(lg)
	return c.figure([][]*gplot.Plot{{p}}), nil
}

// bestEpoch returns the epoch to mark: h.BestEpoch when early stopping chose one, else the
// epoch with the lowest validation loss, else 0 (none).
func bestEpoch(h *train.History) int {
	if h.BestEpoch > 0 {
		return h.BestEpoch
	}
	best, bestLoss := 0, math.Inf(1)
	for _, e := range h.Epochs {
		if e.ValLoss < bestLoss {
			best, bestLoss = e.Epoch, e.ValLoss
		}
	}
	return best
}

// series collects one quantity per epoch, skipping epochs where it is missing or not finite.
func series(h *train.History, name string) (x, y []float64) {
	for _, e := range h.Epochs {
		if v, ok := e.Value(name); ok && !math.IsNaN(v) && !math.IsInf(v, 0) {
			x, y = append(x, float64(e.Epoch)), append(y, v)
		}
	}
	return x, y
}

// curvePanel adds one line (with points for short runs) per non-empty series and marks the
// best epoch.
func curvePanel(p *gplot.Plot, h *train.History, names, legends []string, colors []color.RGBA, dashed []bool, best int) {
	lo, hi := math.Inf(1), math.Inf(-1)
	lg := &legend{}
	for i, name := range names {
		x, y := series(h, name)
		if len(x) == 0 {
			continue
		}
		l := line(x, y, colors[i], 1.8, dashed[i])
		p.Add(l)
		thumbs := []gplot.Thumbnailer{l}
		if len(h.Epochs) <= 30 {
			s, _ := plotter.NewScatter(xys(x, y))
			s.GlyphStyle = draw.GlyphStyle{Color: colors[i], Radius: vg.Points(2), Shape: draw.CircleGlyph{}}
			p.Add(s)
		}
		lg.add(legends[i], thumbs...)
		for _, v := range y {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	// Curves that end high (accuracy) leave the bottom right free for the legend.
	var endSum, ends float64
	for _, name := range names {
		if _, y := series(h, name); len(y) > 0 {
			endSum, ends = endSum+y[len(y)-1], ends+1
		}
	}
	lg.bottom = ends > 0 && endSum/ends > (lo+hi)/2
	if best > 0 && lo <= hi {
		pad := (hi - lo) * 0.05
		m := line([]float64{float64(best), float64(best)}, []float64{lo - pad, hi + pad}, chanceGray, 1, true)
		p.Add(m)
		lg.add(fmt.Sprintf("best epoch (%d)", best), m)
	}
	p.Add(plotter.NewGrid())
	p.X.Tick.Marker = niceTicks{whole: true}
	p.Add(lg)
}

// LossCurves plots the training and validation loss per epoch, marking the best epoch (the
// one early stopping chose, else the lowest validation loss). Recorded metrics (accuracy…)
// get a second panel beside it: training values solid, validation dashed. It reads Title,
// Size, DPI.
func LossCurves(h *train.History, opts ...Option) (*Figure, error) {
	if h == nil || len(h.Epochs) == 0 {
		return nil, fmt.Errorf("plot: loss curves need a history with at least one epoch")
	}
	metricNames := metricBases(h)
	w := 6.0
	if len(metricNames) > 0 {
		w = 11
	}
	c, err := build(opts, "Training history", w, 4.5)
	if err != nil {
		return nil, err
	}
	best := bestEpoch(h)
	lossTitle := ""
	if len(metricNames) > 0 {
		lossTitle = "Loss"
	}
	loss := newPanel(lossTitle, "Epoch", "Loss")
	curvePanel(loss, h, []string{"train_loss", "val_loss"}, []string{"train", "validation"},
		[]color.RGBA{classColor(0), classColor(1)}, []bool{false, false}, best)
	row := []*gplot.Plot{loss}
	if len(metricNames) > 0 {
		ylabel := "Metric"
		if len(metricNames) == 1 {
			ylabel = metricNames[0]
		}
		mp := newPanel("Metrics", "Epoch", ylabel)
		var names, legends []string
		var colors []color.RGBA
		var dashed []bool
		for i, m := range metricNames {
			for _, split := range []string{"train", "val"} {
				names = append(names, split+"_"+m)
				legends = append(legends, split+" "+m)
				colors = append(colors, classColor(i+2))
				dashed = append(dashed, split == "val")
			}
		}
		curvePanel(mp, h, names, legends, colors, dashed, best)
		row = append(row, mp)
	}
	return c.figure([][]*gplot.Plot{row}), nil
}

// metricBases returns the metric names recorded in h without their train_/val_ prefix.
func metricBases(h *train.History) []string {
	set := map[string]bool{}
	for _, e := range h.Epochs {
		for k := range e.Metrics {
			set[strings.TrimPrefix(strings.TrimPrefix(k, "train_"), "val_")] = true
		}
	}
	names := make([]string, 0, len(set))
	for k := range set {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}
