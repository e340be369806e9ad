package plot

import (
	"fmt"
	"image/color"
	"math"
	"strconv"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/ember-ml/ember/metrics"
	"github.com/ember-ml/ember/tensor"
)

// NormalizeMatrix divides a confusion matrix like scikit-learn's normalize: "true" by row
// sums (rates per true class), "pred" by column sums, "all" by the total, "" not at all. A
// zero sum leaves zeros, as scikit-learn does.
func NormalizeMatrix(cm [][]float64, normalize string) ([][]float64, error) {
	k := len(cm)
	out := make([][]float64, k)
	for i := range cm {
		out[i] = append([]float64(nil), cm[i]...)
	}
	div := func(i, j int, s float64) {
		if s != 0 {
			out[i][j] /= s
		} else {
			out[i][j] = 0
		}
	}
	switch normalize {
	case "":
	case "true":
		for i := range k {
			var s float64
			for j := range k {
				s += cm[i][j]
			}
			for j := range k {
				div(i, j, s)
			}
		}
	case "pred":
		for j := range k {
			var s float64
			for i := range k {
				s += cm[i][j]
			}
			for i := range k {
				div(i, j, s)
			}
		}
	case "all":
		var s float64
		for i := range k {
			for j := range k {
				s += cm[i][j]
			}
		}
		for i := range k {
			for j := range k {
				div(i, j, s)
			}
		}
	default:
		return nil, fmt.Errorf(`plot: normalize must be "", "true", "pred" or "all", got %q`, normalize)
	}
	return out, nil
}

// cells draws a k×k matrix as coloured squares, row 0 at the top, with each value written
// in the cell in black or white, whichever reads better on the cell's colour.
type cells struct {
	v      [][]float64
	lo, hi float64
	format func(float64) string
	font   font.Font
}

func (m *cells) color(v float64) color.RGBA {
	if m.hi == m.lo {
		return viridis.at(0)
	}
	return viridis.at((v - m.lo) / (m.hi - m.lo))
}

func (m *cells) Plot(c draw.Canvas, p *gplot.Plot) {
	trX, trY := p.Transforms(&c)
	k := len(m.v)
	sty := text.Style{Font: m.font, XAlign: draw.XCenter, YAlign: draw.YCenter, Handler: p.TextHandler}
	for i := range k {
		for j := range k {
			y := float64(k - 1 - i)
			x0, x1 := trX(float64(j)-0.5), trX(float64(j)+0.5)
			y0, y1 := trY(y-0.5), trY(y+0.5)
			col := m.color(m.v[i][j])
			c.FillPolygon(col, []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}})
			if m.format == nil {
				continue
			}
			sty.Color = color.Black
			if luminance(col) < 0.5 {
				sty.Color = color.White
			}
			c.FillText(sty, vg.Point{X: (x0 + x1) / 2, Y: (y0 + y1) / 2}, m.format(m.v[i][j]))
		}
	}
}

func (m *cells) DataRange() (xmin, xmax, ymin, ymax float64) {
	k := float64(len(m.v))
	return -0.5, k - 0.5, -0.5, k - 0.5
}

// ConfusionMatrix draws a confusion matrix cm [K, K] (rows: true class, columns: predicted
// class, as metrics.ConfusionMatrix and scikit-learn count) as a heat map with each cell's
// count, or its rate with normalize "true", "pred" or "all" (see NormalizeMatrix), written
// in it. labels names the classes (nil: 0, 1, …). Values are written up to K = 30. It reads
// Title, Size, DPI.
func ConfusionMatrix(cm *tensor.Tensor, labels []string, normalize string, opts ...Option) (*Figure, error) {
	if cm == nil || cm.Dim() != 2 || cm.Size(0) != cm.Size(1) || cm.Size(0) == 0 {
		var shape []int
		if cm != nil {
			shape = cm.Shape()
		}
		return nil, fmt.Errorf("plot: confusion matrix must have shape [K, K] with K > 0, got %v", shape)
	}
	k := cm.Size(0)
	if labels != nil && len(labels) != k {
		return nil, fmt.Errorf("plot: %d labels for a %d×%d confusion matrix", len(labels), k, k)
	}
	v, err := floats("confusion matrix", cm)
	if err != nil {
		return nil, err
	}
	raw := make([][]float64, k)
	whole := true
	for i := range k {
		raw[i] = v[i*k : (i+1)*k]
		for _, x := range raw[i] {
			if x < 0 {
				return nil, fmt.Errorf("plot: confusion matrix holds a negative count %v", x)
			}
			whole = whole && x == math.Trunc(x)
		}
	}
	m, err := NormalizeMatrix(raw, normalize)
	if err != nil {
		return nil, err
	}
	side := 4.5 + 0.25*float64(max(k-6, 0))
	title := map[string]string{"": "Confusion matrix", "true": "Confusion matrix (rates per true class)",
		"pred": "Confusion matrix (rates per predicted class)", "all": "Confusion matrix (share of all samples)"}[normalize]
	c, err := build(opts, title, min(side+0.5, 12), min(side, 11.5))
	if err != nil {
		return nil, err
	}
	cl := &cells{v: m, lo: math.Inf(1), hi: math.Inf(-1), font: font.From(sans, vg.Length(max(11-0.2*float64(k), 6)))}
	for i := range k {
		for _, x := range m[i] {
			cl.lo, cl.hi = min(cl.lo, x), max(cl.hi, x)
		}
	}
	if k <= 30 {
		switch {
		case normalize == "" && whole:
			cl.format = func(x float64) string { return strconv.FormatFloat(x, 'f', 0, 64) }
		default:
			cl.format = func(x float64) string { return strconv.FormatFloat(x, 'f', 2, 64) }
		}
	}
	names := make([]string, k)
	for i := range names {
		if labels != nil {
			names[i] = labels[i]
		} else {
			names[i] = strconv.Itoa(i)
		}
	}
	p := newPanel(c.title, "Predicted label", "True label")
	p.Add(cl)
	p.NominalX(names...)
	rev := make([]string, k)
	for i := range k {
		rev[k-1-i] = names[i]
	}
	p.NominalY(rev...)
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = -0.5, float64(k)-0.5, -0.5, float64(k)-0.5
	p.X.Padding, p.Y.Padding = 0, 0
	return c.figure([][]*gplot.Plot{{p}}), nil
}

// ConfusionMatrixOf draws what metrics.ConfusionMatrix returns, its labels naming the
// classes (see ConfusionMatrix).
func ConfusionMatrixOf(m *metrics.Matrix, normalize string, opts ...Option) (*Figure, error) {
	if m == nil || len(m.Counts) == 0 || len(m.Counts) != len(m.Labels) {
		return nil, fmt.Errorf("plot: confusion matrix is nil or its counts and labels disagree")
	}
	k := len(m.Counts)
	counts := make([]int64, 0, k*k)
	names := make([]string, k)
	for i, row := range m.Counts {
		if len(row) != k {
			return nil, fmt.Errorf("plot: confusion matrix row %d has %d counts, want %d", i, len(row), k)
		}
		for _, c := range row {
			counts = append(counts, int64(c))
		}
		names[i] = strconv.Itoa(m.Labels[i])
	}
	return ConfusionMatrix(tensor.FromSlice(counts, k, k), names, normalize, opts...)
}
