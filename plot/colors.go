package plot

import (
	"image/color"
	"math"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// tab10 is matplotlib's default qualitative palette: one colour per class.
var tab10 = []color.RGBA{
	{31, 119, 180, 255}, {255, 127, 14, 255}, {44, 160, 44, 255}, {214, 39, 40, 255},
	{148, 103, 189, 255}, {140, 86, 75, 255}, {227, 119, 194, 255}, {127, 127, 127, 255},
	{188, 189, 34, 255}, {23, 190, 207, 255},
}

// classColor returns class k's colour, cycling through tab10.
func classColor(k int) color.RGBA { return tab10[k%len(tab10)] }

// colormap is a piecewise-linear map from [0, 1] to colours through evenly spaced stops.
type colormap []color.RGBA

// at returns the colour at v, clamped to [0, 1].
func (m colormap) at(v float64) color.RGBA {
	if !(v > 0) {
		return m[0]
	}
	if v >= 1 {
		return m[len(m)-1]
	}
	x := v * float64(len(m)-1)
	i := int(x)
	return mix(m[i], m[i+1], x-float64(i))
}

// mix returns a + t·(b − a) per channel.
func mix(a, b color.RGBA, t float64) color.RGBA {
	l := func(x, y uint8) uint8 { return uint8(math.Round(float64(x) + t*(float64(y)-float64(x)))) }
	return color.RGBA{l(a.R, b.R), l(a.G, b.G), l(a.B, b.B), l(a.A, b.A)}
}

// lighten mixes c with white: t = 0 keeps c, t = 1 gives white.
func lighten(c color.RGBA, t float64) color.RGBA { return mix(c, color.RGBA{255, 255, 255, 255}, t) }

// coolwarm is a blue–white–red diverging map (Moreland's), for probabilities around 0.5.
var coolwarm = colormap{
	{59, 76, 192, 255}, {98, 130, 234, 255}, {141, 176, 254, 255}, {184, 208, 249, 255},
	{221, 221, 221, 255}, {245, 196, 173, 255}, {244, 154, 123, 255}, {222, 96, 77, 255}, {180, 4, 38, 255},
}

// viridis is matplotlib's perceptually uniform sequential map (sampled at 9 stops).
var viridis = colormap{
	{68, 1, 84, 255}, {71, 45, 123, 255}, {59, 82, 139, 255}, {44, 114, 142, 255},
	{33, 145, 140, 255}, {39, 173, 129, 255}, {92, 200, 99, 255}, {170, 220, 50, 255}, {253, 231, 37, 255},
}

// inferno-like map for saliency overlays: dark at 0, bright yellow at 1.
var heat = colormap{
	{0, 0, 4, 255}, {40, 11, 84, 255}, {101, 21, 110, 255}, {159, 42, 99, 255},
	{212, 72, 66, 255}, {245, 125, 21, 255}, {250, 193, 39, 255}, {252, 255, 164, 255},
}

// luminance returns c's relative brightness in [0, 1] (Rec. 709 weights on sRGB values).
func luminance(c color.RGBA) float64 {
	return (0.2126*float64(c.R) + 0.7152*float64(c.G) + 0.0722*float64(c.B)) / 255
}

// edgedCircle is a filled circle with a darker outline, so points stay visible on any field.
type edgedCircle struct{ edge color.Color }

func (g edgedCircle) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	c.SetColor(g.edge) // two fills cost half a fill and a stroke
	c.Fill(circlePath(pt, sty.Radius+vg.Points(0.6)))
	c.SetColor(sty.Color)
	c.Fill(circlePath(pt, sty.Radius))
}

func circlePath(pt vg.Point, r vg.Length) vg.Path {
	var p vg.Path
	p.Move(vg.Point{X: pt.X + r, Y: pt.Y})
	p.Arc(pt, r, 0, 2*math.Pi)
	p.Close()
	return p
}

// edgedTriangle is a filled upward triangle with an outline, for test points.
type edgedTriangle struct{ edge color.Color }

func (g edgedTriangle) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	r := sty.Radius * 1.25
	dx, dy := r*vg.Length(math.Cos(math.Pi/6)), r*vg.Length(math.Sin(math.Pi/6))
	var p vg.Path
	p.Move(vg.Point{X: pt.X, Y: pt.Y + r})
	p.Line(vg.Point{X: pt.X - dx, Y: pt.Y - dy})
	p.Line(vg.Point{X: pt.X + dx, Y: pt.Y - dy})
	p.Close()
	c.SetColor(sty.Color)
	c.Fill(p)
	c.SetLineStyle(draw.LineStyle{Color: g.edge, Width: vg.Points(0.9)})
	c.Stroke(p)
}

// dots is a scatter of edged circles. Into a PNG it paints the discs' pixels itself
// (anti-aliased by coverage), far faster than rasterizing a path per point; elsewhere it
// draws gonum glyphs.
type dots struct {
	*plotter.Scatter
	edge   color.RGBA
	target *raster
}

func newDots(pts plotter.XYs, fill color.RGBA, radius vg.Length, target *raster) *dots {
	s, err := plotter.NewScatter(pts)
	if err != nil {
		panic(err) // unreachable: callers pass finite points
	}
	edge := color.RGBA{255, 255, 255, 255}
	s.GlyphStyle = draw.GlyphStyle{Color: fill, Radius: radius, Shape: edgedCircle{edge}}
	return &dots{Scatter: s, edge: edge, target: target}
}

func (d *dots) Plot(c draw.Canvas, p *gplot.Plot) {
	if d.target == nil || d.target.img == nil {
		d.Scatter.Plot(c, p)
		return
	}
	img, dpi := d.target.img, d.target.dpi
	trX, trY := p.Transforms(&c)
	hpx := float64(img.Bounds().Dy())
	fill := d.GlyphStyle.Color.(color.RGBA)
	r := float64(d.GlyphStyle.Radius) / 72 * dpi
	re := r + 0.6/72*dpi
	for _, xy := range d.XYs {
		cx, cy := float64(trX(xy.X))/72*dpi, hpx-float64(trY(xy.Y))/72*dpi
		x0, x1 := max(int(cx-re-1), 0), min(int(cx+re+2), img.Bounds().Dx())
		y0, y1 := max(int(cy-re-1), 0), min(int(cy+re+2), img.Bounds().Dy())
		reach := (re + 0.5) * (re + 0.5)
		for py := y0; py < y1; py++ {
			dy := float64(py) + 0.5 - cy
			for px := x0; px < x1; px++ {
				dx := float64(px) + 0.5 - cx
				d2 := dx*dx + dy*dy
				if d2 >= reach {
					continue
				}
				dist := math.Sqrt(d2)
				outer := min(re+0.5-dist, 1)
				inner := min(max(r+0.5-dist, 0), 1)
				o := img.PixOffset(px, py)
				bg := color.RGBA{img.Pix[o], img.Pix[o+1], img.Pix[o+2], 255}
				col := mix(mix(bg, d.edge, outer), fill, inner)
				img.Pix[o], img.Pix[o+1], img.Pix[o+2] = col.R, col.G, col.B
			}
		}
	}
}
