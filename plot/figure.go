package plot

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/ember-ml/ember/serialize"
	"github.com/ember-ml/ember/tensor"
)

// Figure is a rendered-on-demand chart: one panel or a grid of panels under an optional title.
// Its zero value is not usable; the package's functions return figures.
type Figure struct {
	panels [][]*gplot.Plot // rows of panels; a nil panel leaves its tile empty
	title  string          // figure title above all panels (multi-panel figures)
	width  vg.Length
	height vg.Length
	dpi    int
	drawFn func(dc draw.Canvas) // draws instead of panels (image grids)

	mu     sync.Mutex // one Render at a time: raster is shared with the panels' plotters
	raster *raster
}

// raster is the PNG being rendered, for plotters that paint pixels directly (the decision
// field) instead of having the vector renderer resample an image.
type raster struct {
	img *image.RGBA // nil outside a PNG render
	dpi float64
}

// Size returns the figure's size in inches.
func (f *Figure) Size() (width, height float64) {
	return float64(f.width / vg.Inch), float64(f.height / vg.Inch)
}

// Panels returns the figure's gonum plots, row by row, for callers who want to restyle them
// before saving (the figure draws whatever they hold then).
func (f *Figure) Panels() [][]*gplot.Plot { return f.panels }

// Save writes the figure to path as PNG or SVG, chosen by the extension (.png, .svg). The
// file is written to a temporary file and renamed, so readers never see half a picture; the
// folder must exist. PNGs are compressed harder than Render's (smaller files, slower).
func (f *Figure) Save(path string) error {
	format := strings.ToLower(strings.TrimPrefix(filepath.Ext(path), "."))
	if format != "png" && format != "svg" {
		return fmt.Errorf("plot: save %s: unknown extension %q (want .png or .svg)", path, filepath.Ext(path))
	}
	dir := filepath.Dir(path)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return fmt.Errorf("plot: save %s: folder %s does not exist", path, dir)
	}
	return serialize.WriteAtomic(path, func(w io.Writer) error { return f.render(w, format, png.BestCompression) })
}

// Render writes the figure to w in format "png" (fast compression) or "svg". It is not
// called WriteTo, whose signature io.WriterTo fixes (go vet checks it).
func (f *Figure) Render(w io.Writer, format string) error {
	return f.render(w, format, png.BestSpeed)
}

func (f *Figure) render(w io.Writer, format string, level png.CompressionLevel) (err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	defer func() { // gonum/plot panics on some degenerate data; report it instead
		if r := recover(); r != nil {
			err = fmt.Errorf("plot: render: %v", r)
		}
	}()
	var c vg.CanvasWriterTo
	switch strings.ToLower(format) {
	case "png":
		img := vgimg.NewWith(vgimg.UseWH(f.width, f.height), vgimg.UseDPI(f.dpi))
		rgba, ok := img.Image().(*image.RGBA)
		if !ok {
			return fmt.Errorf("plot: internal error: canvas image is %T, not *image.RGBA", img.Image())
		}
		if f.raster != nil {
			f.raster.img, f.raster.dpi = rgba, float64(f.dpi)
			defer func() { f.raster.img = nil }()
		}
		c = pngCanvas{img, rgba, level}
	case "svg":
		c = vgsvg.New(f.width, f.height)
	default:
		return fmt.Errorf("plot: unknown format %q (want png or svg)", format)
	}
	f.draw(draw.New(c))
	_, err = c.WriteTo(w)
	return err
}

// draw lays the panels out in tiles below the figure title.
func (f *Figure) draw(dc draw.Canvas) {
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	if f.title != "" {
		sty := titleStyle(13)
		dc.FillText(sty, vg.Point{X: dc.Center().X, Y: dc.Max.Y - vg.Points(6)}, f.title)
		dc.Max.Y -= sty.Height(f.title) + vg.Points(10)
	} else {
		dc.Max.Y -= vg.Points(4) // room above the panel titles
	}
	if f.drawFn != nil {
		f.drawFn(dc)
		return
	}
	rows := len(f.panels)
	if rows == 0 {
		return
	}
	cols := len(f.panels[0])
	if rows == 1 && cols == 1 {
		f.panels[0][0].Draw(dc)
		return
	}
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Points(8), PadY: vg.Points(8),
		PadTop: vg.Points(2), PadBottom: vg.Points(2), PadLeft: vg.Points(2), PadRight: vg.Points(2)}
	canvases := gplot.Align(f.panels, tiles, dc)
	for j, row := range f.panels {
		for i, p := range row {
			if p != nil {
				p.Draw(canvases[j][i])
			}
		}
	}
}

// pngCanvas encodes the canvas at a chosen level: zlib's fastest makes Render several times
// faster than the default level.
type pngCanvas struct {
	*vgimg.Canvas
	img   *image.RGBA
	level png.CompressionLevel
}

func (c pngCanvas) WriteTo(w io.Writer) (int64, error) {
	cw := &countWriter{w: w}
	err := (&png.Encoder{CompressionLevel: c.level}).Encode(cw, c.img)
	return cw.n, err
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func titleStyle(size vg.Length) text.Style {
	return text.Style{Color: color.Black, Font: font.From(sans, size),
		XAlign: draw.XCenter, YAlign: draw.YTop, Handler: gplot.DefaultTextHandler}
}

// Option sets a figure setting. Each function documents the options it reads; it ignores the
// others.
type Option func(*config)

type config struct {
	title          string
	width, height  float64 // inches
	dpi            int
	xLabel, yLabel string
	resolution     int
	margin         float64
	testX, testY   *tensor.Tensor
	classNames     []string
	mapTitles      []string
}

// Title sets the figure's title.
func Title(s string) Option { return func(c *config) { c.title = s } }

// Size sets the figure's size in inches (default 6×4.5, larger for grids of panels).
func Size(width, height float64) Option {
	return func(c *config) { c.width, c.height = width, height }
}

// DPI sets the PNG resolution in dots per inch (default 100).
func DPI(dpi int) Option { return func(c *config) { c.dpi = dpi } }

// AxisLabels sets the x and y axis labels of single-panel figures.
func AxisLabels(x, y string) Option { return func(c *config) { c.xLabel, c.yLabel = x, y } }

// Resolution sets the number of grid cells per side of DecisionBoundary's field (default 200).
func Resolution(n int) Option { return func(c *config) { c.resolution = n } }

// Margin sets how far DecisionBoundary's field extends past the data, as a fraction of the
// data's range on each axis (default 0.1).
func Margin(frac float64) Option { return func(c *config) { c.margin = frac } }

// TestData adds held-out points to DecisionBoundary, drawn as triangles (training points are
// circles).
func TestData(X, y *tensor.Tensor) Option { return func(c *config) { c.testX, c.testY = X, y } }

// ClassNames names labels 0, 1, … in legends (default "class 0", "class 1", …).
func ClassNames(names ...string) Option { return func(c *config) { c.classNames = names } }

// MapTitles captions Heatmaps' overlaid maps, one per image (default "heat map").
func MapTitles(titles ...string) Option { return func(c *config) { c.mapTitles = titles } }

func build(opts []Option, title string, w, h float64) (config, error) {
	c := config{title: title, width: w, height: h, dpi: 100, resolution: 200, margin: 0.1}
	for _, o := range opts {
		o(&c)
	}
	switch {
	case !(c.width > 0) || !(c.height > 0) || c.width > 100 || c.height > 100:
		return c, fmt.Errorf("plot: size must be between 0 and 100 inches, got %v×%v", c.width, c.height)
	case c.dpi <= 0 || c.dpi > 1200:
		return c, fmt.Errorf("plot: dpi must be in 1..1200, got %d", c.dpi)
	case c.resolution < 2 || c.resolution > 4000:
		return c, fmt.Errorf("plot: resolution must be in 2..4000, got %d", c.resolution)
	case !(c.margin >= 0) || c.margin > 10:
		return c, fmt.Errorf("plot: margin must be in [0, 10], got %v", c.margin)
	}
	return c, nil
}

func (c config) className(k int) string {
	if k < len(c.classNames) {
		return c.classNames[k]
	}
	return fmt.Sprintf("class %d", k)
}

// figure wraps panels with c's size and title; a single panel takes the title itself.
func (c config) figure(panels [][]*gplot.Plot) *Figure {
	f := &Figure{panels: panels, width: vg.Length(c.width) * vg.Inch, height: vg.Length(c.height) * vg.Inch, dpi: c.dpi}
	if len(panels) == 1 && len(panels[0]) == 1 && panels[0][0] != nil {
		panels[0][0].Title.Text = c.title
	} else {
		f.title = c.title
	}
	return f
}

// sans is the typeface of all text (gonum's default is a serif).
var sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

// newPanel returns a gonum plot with Ember's defaults: light grid, readable fonts.
func newPanel(title, xLabel, yLabel string) *gplot.Plot {
	p := gplot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = font.From(sans, 13)
	for _, sty := range []*text.Style{&p.X.Label.TextStyle, &p.Y.Label.TextStyle, &p.X.Tick.Label, &p.Y.Tick.Label, &p.Legend.TextStyle} {
		sty.Font.Typeface, sty.Font.Variant = sans.Typeface, sans.Variant
	}
	p.Title.Padding = vg.Points(6)
	p.X.Label.Text, p.Y.Label.Text = xLabel, yLabel
	p.X.Label.TextStyle.Font.Size, p.Y.Label.TextStyle.Font.Size = 11, 11
	p.X.Tick.Label.Font.Size, p.Y.Tick.Label.Font.Size = 9, 9
	p.Legend.TextStyle.Font.Size = 9
	p.X.Tick.Marker, p.Y.Tick.Marker = niceTicks{}, niceTicks{}
	return p
}

// floats returns t's values as float64s, or an error for a nil tensor or a NaN/±Inf.
func floats(name string, t *tensor.Tensor) ([]float64, error) {
	if t == nil {
		return nil, fmt.Errorf("plot: %s is nil", name)
	}
	var v []float64
	switch t.DType() {
	case tensor.Float64:
		v = t.Float64s()
	case tensor.Bool:
		for _, b := range t.Bools() {
			v = append(v, b2f(b))
		}
	default:
		v = t.To(tensor.Float64).Float64s()
	}
	for i, x := range v {
		if x != x || x > maxFloat || x < -maxFloat {
			return nil, fmt.Errorf("plot: %s holds a non-finite value (%v at flat index %d)", name, x, i)
		}
	}
	return v, nil
}

const maxFloat = 1.7976931348623157e308

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// labels returns a label tensor's values as non-negative ints (float labels must be whole).
func labels(name string, t *tensor.Tensor, n int) ([]int, error) {
	v, err := floats(name, t)
	if err != nil {
		return nil, err
	}
	if t.Dim() != 1 || len(v) != n {
		return nil, fmt.Errorf("plot: %s must have shape [%d], got %v", name, n, t.Shape())
	}
	out := make([]int, n)
	for i, x := range v {
		if x < 0 || x != float64(int(x)) || x > 1e6 {
			return nil, fmt.Errorf("plot: %s[%d] = %v is not a class index (0, 1, …)", name, i, x)
		}
		out[i] = int(x)
	}
	return out, nil
}

// legend draws a panel's legend on a translucent white box, so it stays readable over data;
// add it to the panel last.
type legend struct {
	names        []string
	thumbs       [][]gplot.Thumbnailer
	left, bottom bool
}

func (l *legend) add(name string, thumbs ...gplot.Thumbnailer) {
	l.names = append(l.names, name)
	l.thumbs = append(l.thumbs, thumbs)
}

func (l *legend) Plot(c draw.Canvas, p *gplot.Plot) {
	if len(l.names) == 0 {
		return
	}
	leg := gplot.NewLegend()
	leg.TextStyle.Font = font.From(sans, 9)
	leg.Left, leg.Top = l.left, !l.bottom
	leg.ThumbnailWidth = vg.Points(18)
	inset := vg.Points(6)
	var textW vg.Length
	for i, n := range l.names {
		leg.Add(n, l.thumbs[i]...)
		textW = max(textW, leg.TextStyle.Width(n))
	}
	em := leg.TextStyle.Width(" ")
	entryH := leg.TextStyle.FontExtents().Height
	w := leg.ThumbnailWidth + em + textW
	h := vg.Length(len(l.names))*entryH + vg.Length(len(l.names)-1)*leg.Padding
	var r vg.Rectangle
	if l.left {
		r.Min.X = c.Min.X + inset
		leg.XOffs = inset
	} else {
		r.Min.X = c.Max.X - inset - w
		leg.XOffs = -inset
	}
	if l.bottom {
		r.Min.Y = c.Min.Y + inset
		leg.YOffs = inset
	} else {
		r.Min.Y = c.Max.Y - inset - h
		leg.YOffs = -inset
	}
	r.Max = vg.Point{X: r.Min.X + w, Y: r.Min.Y + h}
	pad := vg.Points(4)
	box := vg.Rectangle{Min: vg.Point{X: r.Min.X - pad, Y: r.Min.Y - pad}, Max: vg.Point{X: r.Max.X + pad, Y: r.Max.Y + pad}}
	c.SetColor(color.NRGBA{255, 255, 255, 220})
	c.Fill(box.Path())
	c.SetLineStyle(draw.LineStyle{Color: color.RGBA{200, 200, 200, 255}, Width: vg.Points(0.5)})
	c.Stroke(box.Path())
	leg.Draw(c)
}

// niceTicks puts about five labelled ticks at multiples of 1, 2, 2.5 or 5 × 10ᵏ, labelled
// with as few decimals as the step needs; whole makes the step at least 1 (epochs).
type niceTicks struct{ whole bool }

func (t niceTicks) Ticks(lo, hi float64) []gplot.Tick {
	if !(hi > lo) {
		return []gplot.Tick{{Value: lo, Label: strconv.FormatFloat(lo, 'g', 4, 64)}}
	}
	raw := (hi - lo) / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := 10 * mag
	for _, m := range []float64{1, 2, 2.5, 5} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	if t.whole {
		step = max(math.Round(step), 1)
	}
	decimals := 0
	for s := step; decimals < 10 && math.Abs(s-math.Round(s)) > 1e-9*step*math.Pow(10, float64(decimals)); s *= 10 {
		decimals++
	}
	var out []gplot.Tick
	for v := math.Ceil(lo/step-1e-9) * step; v <= hi+step*1e-9; v += step {
		if math.Abs(v) < step*1e-9 {
			v = 0
		}
		out = append(out, gplot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', decimals, 64)})
	}
	return out
}
