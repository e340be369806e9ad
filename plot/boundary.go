package plot

import (
	"fmt"
	"image"
	"image/color"
	"math"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/ember-ml/ember/nn"
	"github.com/ember-ml/ember/tensor"
)

// PredictFunc maps inputs X [G, 2] to one of:
//   - class-1 probabilities, float [G] or [G, 1] (binary);
//   - class probabilities, float [G, K] (K = 2 is read as binary, column 1);
//   - class labels, int64 or bool [G] (what a classical estimator's Predict returns).
type PredictFunc func(X *tensor.Tensor) (*tensor.Tensor, error)

// ModuleProba turns a classifier module into a PredictFunc: a module with one output column
// (a binary logit) gets a sigmoid, one with K ≥ 2 columns (class logits) a softmax. The
// module runs in evaluation mode (ModuleProba calls nn.Eval on it) without recording
// gradients, on X converted to its parameters' dtype. A panic in Forward (a shape the module
// does not take) is returned as an error.
func ModuleProba(m nn.Module) PredictFunc {
	return func(X *tensor.Tensor) (out *tensor.Tensor, err error) {
		if m == nil {
			return nil, fmt.Errorf("plot: nil module")
		}
		defer func() {
			if r := recover(); r != nil {
				out, err = nil, fmt.Errorf("plot: module forward: %v", r)
			}
		}()
		nn.Eval(m)
		dt := tensor.Float32
		if ps := nn.Parameters(m); len(ps) > 0 {
			dt = ps[0].DType()
		}
		tensor.NoGrad(func() {
			logits := m.Forward(X.To(dt))
			switch {
			case logits.Dim() == 1 || (logits.Dim() == 2 && logits.Size(1) == 1):
				out = logits.Sigmoid()
			case logits.Dim() == 2:
				out = logits.Softmax(1)
			default:
				err = fmt.Errorf("plot: module output has shape %v, want [N] or [N, K] logits", logits.Shape())
			}
		})
		return out, err
	}
}

// Grid is the field DecisionBoundary draws: cell (i, j) is centred at (Xs[i], Ys[j]) and its
// value sits at index j·len(Xs) + i.
type Grid struct {
	Xs, Ys []float64
	// Extent is the area the cells cover: [xmin, xmax, ymin, ymax].
	Extent [4]float64
	// Proba holds the class-1 probability per cell for a binary model, else nil.
	Proba []float64
	// Class holds the predicted class per cell for a multi-class model (or one returning
	// labels), else nil; Confidence the predicted class's probability (1 for labels).
	Class      []int
	Confidence []float64
	// Classes is the number of classes the model predicts (2 for binary).
	Classes int
}

// points2D checks that X is [N, 2] and finite.
func points2D(name string, X *tensor.Tensor) ([]float64, error) {
	if X == nil {
		return nil, fmt.Errorf("plot: %s is nil", name)
	}
	if X.Dim() != 2 || X.Size(1) != 2 || X.Size(0) == 0 {
		return nil, fmt.Errorf("plot: %s must have shape [N, 2] with N > 0, got %v", name, X.Shape())
	}
	return floats(name, X)
}

// BoundaryGrid evaluates predict over a Resolution×Resolution grid covering X's bounding box
// widened by Margin, in one batched call. It reads Resolution and Margin.
func BoundaryGrid(predict PredictFunc, X *tensor.Tensor, opts ...Option) (*Grid, error) {
	c, err := build(opts, "", 1, 1)
	if err != nil {
		return nil, err
	}
	if predict == nil {
		return nil, fmt.Errorf("plot: nil predict function")
	}
	xv, err := points2D("X", X)
	if err != nil {
		return nil, err
	}
	xmin, xmax, ymin, ymax := xv[0], xv[0], xv[1], xv[1]
	for i := 0; i < len(xv); i += 2 {
		xmin, xmax = min(xmin, xv[i]), max(xmax, xv[i])
		ymin, ymax = min(ymin, xv[i+1]), max(ymax, xv[i+1])
	}
	pad := func(lo, hi float64) (float64, float64) {
		r := hi - lo
		if r == 0 {
			r = 1
		}
		return lo - c.margin*r, hi + c.margin*r
	}
	xmin, xmax = pad(xmin, xmax)
	ymin, ymax = pad(ymin, ymax)
	n := c.resolution
	g := &Grid{Xs: make([]float64, n), Ys: make([]float64, n), Extent: [4]float64{xmin, xmax, ymin, ymax}}
	for i := range n {
		g.Xs[i] = xmin + (float64(i)+0.5)*(xmax-xmin)/float64(n)
		g.Ys[i] = ymin + (float64(i)+0.5)*(ymax-ymin)/float64(n)
	}
	var in *tensor.Tensor
	if X.DType() == tensor.Float64 {
		buf := make([]float64, 2*n*n)
		for j := range n {
			for i := range n {
				buf[2*(j*n+i)], buf[2*(j*n+i)+1] = g.Xs[i], g.Ys[j]
			}
		}
		in = tensor.FromSlice(buf, n*n, 2)
	} else {
		buf := make([]float32, 2*n*n)
		for j := range n {
			for i := range n {
				buf[2*(j*n+i)], buf[2*(j*n+i)+1] = float32(g.Xs[i]), float32(g.Ys[j])
			}
		}
		in = tensor.FromSlice(buf, n*n, 2)
	}
	out, err := predict(in)
	if err != nil {
		return nil, err
	}
	if err := g.read(out, n*n); err != nil {
		return nil, err
	}
	return g, nil
}

// read interprets predict's output (see PredictFunc).
func (g *Grid) read(out *tensor.Tensor, cells int) error {
	if out == nil {
		return fmt.Errorf("plot: predict returned nil")
	}
	shape := out.Shape()
	if len(shape) == 0 || shape[0] != cells || len(shape) > 2 {
		return fmt.Errorf("plot: predict returned shape %v for %d grid points, want [%d], [%d, 1] or [%d, K]", shape, cells, cells, cells, cells)
	}
	if out.DType() == tensor.Int64 || out.DType() == tensor.Bool {
		if len(shape) != 1 {
			return fmt.Errorf("plot: predict returned labels of shape %v, want [%d]", shape, cells)
		}
		cls, err := labels("predicted labels", out, cells)
		if err != nil {
			return err
		}
		g.Class, g.Confidence = cls, make([]float64, cells)
		for i, k := range cls {
			g.Confidence[i] = 1
			g.Classes = max(g.Classes, k+1)
		}
		g.Classes = max(g.Classes, 2)
		return nil
	}
	v, err := floats("predicted probabilities", out)
	if err != nil {
		return err
	}
	for i, p := range v {
		if p < 0 || p > 1 {
			return fmt.Errorf("plot: predict returned %v at flat index %d, not a probability (logits? wrap a module with ModuleProba)", p, i)
		}
	}
	k := 1
	if len(shape) == 2 {
		k = shape[1]
	}
	switch {
	case k == 1:
		g.Proba = v
	case k == 2:
		g.Proba = make([]float64, cells)
		for i := range cells {
			g.Proba[i] = v[2*i+1]
		}
	default:
		g.Class, g.Confidence = make([]int, cells), make([]float64, cells)
		for i := range cells {
			row := v[i*k : (i+1)*k]
			best := 0
			for j, p := range row {
				if p > row[best] {
					best = j
				}
			}
			g.Class[i], g.Confidence[i] = best, row[best]
		}
	}
	g.Classes = max(k, 2)
	return nil
}

// binaryColors are the ends of the coolwarm map, for class 0 and class 1 points.
var binaryColors = []color.RGBA{{59, 76, 192, 255}, {180, 4, 38, 255}}

// image paints the grid, top row first (image rows run downwards, y upwards).
func (g *Grid) image() *image.RGBA {
	nx, ny := len(g.Xs), len(g.Ys)
	img := image.NewRGBA(image.Rect(0, 0, nx, ny))
	for j := range ny {
		row := img.Pix[(ny-1-j)*img.Stride:]
		for i := range nx {
			var c color.RGBA
			if g.Proba != nil {
				c = fieldColor(g.Proba[j*nx+i])
			} else {
				c = g.classFieldColor(j*nx + i)
			}
			copy(row[4*i:4*i+4], []uint8{c.R, c.G, c.B, 255})
		}
	}
	return img
}

// gridXYZ adapts a binary grid's probabilities for gonum's contour plotter.
type gridXYZ struct{ g *Grid }

func (z gridXYZ) Dims() (c, r int)   { return len(z.g.Xs), len(z.g.Ys) }
func (z gridXYZ) Z(c, r int) float64 { return z.g.Proba[r*len(z.g.Xs)+c] }
func (z gridXYZ) X(c int) float64    { return z.g.Xs[c] }
func (z gridXYZ) Y(r int) float64    { return z.g.Ys[r] }

// contour hides gonum's Contour.GlyphBoxes, which reports a box per grid point (40,000 for
// the default grid) and made layout cost more than drawing; the field fills the axes anyway.
type contour struct{ c *plotter.Contour }

func (c contour) Plot(dc draw.Canvas, p *gplot.Plot)          { c.c.Plot(dc, p) }
func (c contour) DataRange() (xmin, xmax, ymin, ymax float64) { return c.c.DataRange() }

type onePalette struct{ c color.Color }

func (p onePalette) Colors() []color.Color { return []color.Color{p.c} }

// DecisionBoundary draws a classifier's output over the plane of 2-D inputs X, with the
// points on top coloured by label y. A binary model's class-1 probability is shown on a
// blue–white–red scale with its 0.5 contour drawn; a multi-class model's predicted class in
// that class's colour, paler where it is less sure. Points of TestData are triangles. The
// grid is evaluated in one call of predict (see BoundaryGrid) and drawn as one image. It
// reads Title, Size, DPI, AxisLabels, Resolution, Margin, TestData, ClassNames.
func DecisionBoundary(predict PredictFunc, X, y *tensor.Tensor, opts ...Option) (*Figure, error) {
	c, err := build(opts, "Decision boundary", 6, 4.5)
	if err != nil {
		return nil, err
	}
	xv, err := points2D("X", X)
	if err != nil {
		return nil, err
	}
	yv, err := labels("y", y, len(xv)/2)
	if err != nil {
		return nil, err
	}
	var tx []float64
	var ty []int
	if c.testX != nil || c.testY != nil {
		if tx, err = points2D("test X", c.testX); err != nil {
			return nil, err
		}
		if ty, err = labels("test y", c.testY, len(tx)/2); err != nil {
			return nil, err
		}
	}
	all := X
	if tx != nil {
		all = tensor.Cat([]*tensor.Tensor{X.To(tensor.Float64), c.testX.To(tensor.Float64)}, 0)
		if X.DType() != tensor.Float64 {
			all = all.To(X.DType())
		}
	}
	g, err := BoundaryGrid(predict, all, opts...)
	if err != nil {
		return nil, err
	}
	classes := g.Classes
	for _, l := range append(append([]int{}, yv...), ty...) {
		classes = max(classes, l+1)
	}
	p := newPanel(c.title, c.xLabel, c.yLabel)
	e := g.Extent
	fld := &field{g: g, target: &raster{}}
	p.Add(fld)
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = e[0], e[1], e[2], e[3]
	p.X.Padding, p.Y.Padding = 0, 0 // the field meets the axes
	lg := &legend{}
	if g.Proba != nil {
		ct := plotter.NewContour(gridXYZ{g}, []float64{0.5}, onePalette{color.Black})
		ct.LineStyles = []draw.LineStyle{{Color: color.RGBA{40, 40, 40, 255}, Width: vg.Points(1.5), Dashes: []vg.Length{vg.Points(6), vg.Points(3)}}}
		p.Add(contour{ct})
		lg.add("p = 0.5", line([]float64{0, 1}, []float64{0, 0}, color.RGBA{40, 40, 40, 255}, 1.5, true))
	}
	pointColor := func(k int) color.RGBA {
		if classes == 2 && g.Proba != nil {
			return binaryColors[k]
		}
		return classColor(k)
	}
	addPoints := func(v []float64, l []int, test bool) {
		for k := range classes {
			var pts plotter.XYs
			for i, lab := range l {
				if lab == k {
					pts = append(pts, plotter.XY{X: v[2*i], Y: v[2*i+1]})
				}
			}
			if len(pts) == 0 {
				continue
			}
			name := c.className(k)
			if test {
				s, _ := plotter.NewScatter(pts)
				s.GlyphStyle = draw.GlyphStyle{Color: pointColor(k), Radius: vg.Points(3.2), Shape: edgedTriangle{color.White}}
				p.Add(s)
				lg.add(name+" (test)", s)
			} else {
				s := newDots(pts, pointColor(k), vg.Points(2.6), fld.target)
				p.Add(s)
				lg.add(name, s)
			}
		}
	}
	addPoints(xv, yv, false)
	addPoints(tx, ty, true)
	p.Add(lg)
	f := c.figure([][]*gplot.Plot{{p}})
	f.raster = fld.target
	return f, nil
}

// field draws the grid over its extent. Into a PNG it paints the destination pixels itself,
// interpolating probabilities bilinearly (nearest cell for classes), which is several
// times faster than resampling the grid's image; elsewhere (SVG) it embeds the image.
type field struct {
	g      *Grid
	target *raster
}

func (fl *field) DataRange() (xmin, xmax, ymin, ymax float64) {
	e := fl.g.Extent
	return e[0], e[1], e[2], e[3]
}

func (fl *field) Plot(c draw.Canvas, p *gplot.Plot) {
	trX, trY := p.Transforms(&c)
	e := fl.g.Extent
	rect := vg.Rectangle{Min: vg.Point{X: trX(e[0]), Y: trY(e[2])}, Max: vg.Point{X: trX(e[1]), Y: trY(e[3])}}
	if fl.target.img == nil {
		c.DrawImage(rect, fl.g.image())
		return
	}
	img, dpi := fl.target.img, fl.target.dpi
	toPx := func(l vg.Length) float64 { return float64(l) / 72 * dpi }
	hpx := img.Bounds().Dy()
	x0, x1 := int(math.Round(toPx(rect.Min.X))), int(math.Round(toPx(rect.Max.X)))
	y0, y1 := hpx-int(math.Round(toPx(rect.Max.Y))), hpx-int(math.Round(toPx(rect.Min.Y)))
	x0, y0 = max(x0, 0), max(y0, 0)
	x1, y1 = min(x1, img.Bounds().Dx()), min(y1, hpx)
	if x1 <= x0 || y1 <= y0 {
		return
	}
	g := fl.g
	nx, ny := len(g.Xs), len(g.Ys)
	// Pixel centre → grid coordinate (cell centres at whole numbers).
	gx := func(px int) float64 { return (float64(px-x0)+0.5)/float64(x1-x0)*float64(nx) - 0.5 }
	gy := func(py int) float64 { return (float64(y1-py)-0.5)/float64(y1-y0)*float64(ny) - 0.5 }
	for py := y0; py < y1; py++ {
		v := min(max(gy(py), 0), float64(ny-1))
		j := min(int(v), ny-2)
		tv := v - float64(j)
		row := img.Pix[py*img.Stride:]
		for px := x0; px < x1; px++ {
			u := min(max(gx(px), 0), float64(nx-1))
			var col color.RGBA
			if g.Proba != nil {
				i := min(int(u), nx-2)
				tu := u - float64(i)
				q := g.Proba[j*nx:]
				a := q[i] + tu*(q[i+1]-q[i])
				b := q[nx+i] + tu*(q[nx+i+1]-q[nx+i])
				col = fieldColor(a + tv*(b-a))
			} else {
				k := int(math.Round(v))*nx + int(math.Round(u))
				col = g.classFieldColor(k)
			}
			copy(row[4*px:4*px+4], []uint8{col.R, col.G, col.B, 255})
		}
	}
}

// fieldColor returns the binary field's colour for probability p, from a 256-step table
// (matplotlib's colormap resolution; it also keeps PNGs small).
func fieldColor(p float64) color.RGBA { return fieldLUT[int(min(max(p, 0), 1)*255+0.5)] }

var fieldLUT = func() (t [256]color.RGBA) {
	for i := range t {
		t[i] = lighten(coolwarm.at(float64(i)/255), 0.5)
	}
	return t
}()

func (g *Grid) classFieldColor(cell int) color.RGBA {
	unsure := (1 - g.Confidence[cell]) / (1 - 1/float64(g.Classes))
	return lighten(classColor(g.Class[cell]), 0.45+0.4*min(max(unsure, 0), 1))
}
