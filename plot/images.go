package plot

import (
	"fmt"
	"image"
	"image/color"
	"math"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/ember-ml/ember/tensor"
)

// picture is one image's pixels scaled to [0, 1]: 1 channel (grey) or 3 (RGB), channel-last.
type picture struct {
	h, w, ch int
	pix      []float64
}

// pictures splits images [N, H, W], [N, 1, H, W] or [N, 3, H, W] into per-image pictures,
// each scaled to [0, 1] by its own minimum and maximum (a constant image is mid grey).
func pictures(name string, images *tensor.Tensor) ([]picture, error) {
	return scaled(name, images, false)
}

// scaled is pictures; with keepUnit, images already within [0, 1] are kept as they are and
// constant ones become 0 (heat maps: a Grad-CAM map of zeros shows no heat).
func scaled(name string, images *tensor.Tensor, keepUnit bool) ([]picture, error) {
	if images == nil {
		return nil, fmt.Errorf("plot: %s is nil", name)
	}
	shape := images.Shape()
	var n, ch, h, w int
	switch {
	case len(shape) == 3:
		n, ch, h, w = shape[0], 1, shape[1], shape[2]
	case len(shape) == 4 && (shape[1] == 1 || shape[1] == 3):
		n, ch, h, w = shape[0], shape[1], shape[2], shape[3]
	default:
		return nil, fmt.Errorf("plot: %s must have shape [N, H, W], [N, 1, H, W] or [N, 3, H, W], got %v", name, shape)
	}
	if n == 0 || h == 0 || w == 0 {
		return nil, fmt.Errorf("plot: %s is empty (shape %v)", name, shape)
	}
	if n > 1000 || h*w > 4096*4096 {
		return nil, fmt.Errorf("plot: %s is too large to draw (shape %v; at most 1000 images of 4096×4096)", name, shape)
	}
	v, err := floats(name, images)
	if err != nil {
		return nil, err
	}
	out := make([]picture, n)
	size := ch * h * w
	for k := range n {
		src := v[k*size : (k+1)*size]
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, x := range src {
			lo, hi = min(lo, x), max(hi, x)
		}
		p := picture{h: h, w: w, ch: ch, pix: make([]float64, size)}
		unit := keepUnit && lo >= 0 && hi <= 1
		for c := range ch {
			for i := range h * w {
				x := src[c*h*w+i]
				switch {
				case unit:
				case hi > lo:
					x = (x - lo) / (hi - lo)
				case keepUnit:
					x = 0
				default:
					x = 0.5
				}
				p.pix[i*ch+c] = x
			}
		}
		out[k] = p
	}
	return out, nil
}

// rgb returns pixel i's colour.
func (p picture) rgb(i int) color.RGBA {
	if p.ch == 1 {
		g := uint8(math.Round(255 * p.pix[i]))
		return color.RGBA{g, g, g, 255}
	}
	q := p.pix[3*i : 3*i+3]
	return color.RGBA{uint8(math.Round(255 * q[0])), uint8(math.Round(255 * q[1])), uint8(math.Round(255 * q[2])), 255}
}

// upscale paints f(i) for each of the h×w pixels into an image s times larger (nearest
// neighbour), so that the renderer's bilinear scaling keeps pixels sharp.
func upscale(h, w int, f func(i int) color.RGBA) *image.RGBA {
	s := max(1, int(math.Ceil(224/float64(max(h, w)))))
	img := image.NewRGBA(image.Rect(0, 0, w*s, h*s))
	for y := range h * s {
		row := img.Pix[y*img.Stride:]
		for x := range w * s {
			c := f((y/s)*w + x/s)
			copy(row[4*x:4*x+4], []uint8{c.R, c.G, c.B, c.A})
		}
	}
	return img
}

// tile is one image of a grid with its caption.
type tile struct {
	img     *image.RGBA
	caption string
}

// tileGrid lays tiles out in cols columns, each image as large as its cell allows with its
// aspect ratio kept and its caption above it.
func tileGrid(tiles []tile, cols int) func(dc draw.Canvas) {
	return func(dc draw.Canvas) {
		rows := (len(tiles) + cols - 1) / cols
		sty := titleStyle(9)
		capH := vg.Length(0)
		for _, t := range tiles {
			if t.caption != "" {
				capH = sty.Height(t.caption) + vg.Points(3)
			}
		}
		pad := vg.Points(6)
		cw := (dc.Max.X - dc.Min.X - pad*vg.Length(cols+1)) / vg.Length(cols)
		ch := (dc.Max.Y - dc.Min.Y - pad*vg.Length(rows+1)) / vg.Length(rows)
		for k, t := range tiles {
			r, c := k/cols, k%cols
			x0 := dc.Min.X + pad + vg.Length(c)*(cw+pad)
			yTop := dc.Max.Y - pad - vg.Length(r)*(ch+pad)
			b := t.img.Bounds()
			availH := ch - capH
			scale := min(cw/vg.Length(b.Dx()), availH/vg.Length(b.Dy()))
			iw, ih := scale*vg.Length(b.Dx()), scale*vg.Length(b.Dy())
			cx := x0 + cw/2
			if t.caption != "" {
				dc.FillText(sty, vg.Point{X: cx, Y: yTop}, t.caption)
			}
			top := yTop - capH
			dc.DrawImage(vg.Rectangle{Min: vg.Point{X: cx - iw/2, Y: top - ih}, Max: vg.Point{X: cx + iw/2, Y: top}}, t.img)
		}
	}
}

// gridFigure sizes a figure for tiles of aspect h/w in cols columns (1.5 in per tile).
func gridFigure(tiles []tile, cols int, h, w int, opts []Option, title string) (*Figure, error) {
	rows := (len(tiles) + cols - 1) / cols
	tw := 1.5
	th := tw*float64(h)/float64(w) + 0.25
	width, height := max(float64(cols)*tw+0.3, 3), float64(rows)*th+0.3
	c, err := build(opts, title, min(width, 16), min(height, 16))
	if err != nil {
		return nil, err
	}
	f := c.figure(nil)
	f.title = c.title
	f.drawFn = tileGrid(tiles, cols)
	return f, nil
}

// ImageGrid draws images [N, H, W], [N, 1, H, W] (grey) or [N, 3, H, W] (RGB) in a grid of
// cols columns (0: up to 8), each scaled by its own minimum and maximum, so samples, filters
// and reconstructions all use the full range; labels (nil, or one per image) caption them.
// It reads Title, Size, DPI.
func ImageGrid(images *tensor.Tensor, labels []string, cols int, opts ...Option) (*Figure, error) {
	pics, err := pictures("images", images)
	if err != nil {
		return nil, err
	}
	if labels != nil && len(labels) != len(pics) {
		return nil, fmt.Errorf("plot: %d labels for %d images", len(labels), len(pics))
	}
	if cols < 0 {
		return nil, fmt.Errorf("plot: cols must be ≥ 0, got %d", cols)
	}
	if cols == 0 {
		cols = min(len(pics), 8)
	}
	cols = min(cols, len(pics))
	tiles := make([]tile, len(pics))
	for k, p := range pics {
		tiles[k].img = upscale(p.h, p.w, p.rgb)
		if labels != nil {
			tiles[k].caption = labels[k]
		}
	}
	return gridFigure(tiles, cols, pics[0].h, pics[0].w, opts, "")
}

// Heatmaps draws each image beside the same image with its heat map overlaid: an
// inferno-like colour scale from dark (0) to bright yellow (1), more opaque where the heat is
// higher. images are as for ImageGrid; maps [N, H, W] or [N, 1, H, W] have the same height
// and width (explain's Saliency, GradCAM…). A map within [0, 1] (GradCAM's) is drawn as it
// is; any other is scaled by its own minimum and maximum (constant: no heat).
// titles (nil, or one per image) caption the originals, MapTitles the maps. It reads Title,
// Size, DPI, MapTitles.
func Heatmaps(images, maps *tensor.Tensor, titles []string, opts ...Option) (*Figure, error) {
	c, err := build(opts, "", 1, 1)
	if err != nil {
		return nil, err
	}
	pics, err := pictures("images", images)
	if err != nil {
		return nil, err
	}
	if c.mapTitles != nil && len(c.mapTitles) != len(pics) {
		return nil, fmt.Errorf("plot: %d map titles for %d images", len(c.mapTitles), len(pics))
	}
	hm, err := scaled("maps", maps, true)
	if err != nil {
		return nil, err
	}
	if len(hm) != len(pics) || hm[0].ch != 1 || hm[0].h != pics[0].h || hm[0].w != pics[0].w {
		return nil, fmt.Errorf("plot: maps of shape %v do not match images of shape %v (want [N, H, W] or [N, 1, H, W])", maps.Shape(), images.Shape())
	}
	if titles != nil && len(titles) != len(pics) {
		return nil, fmt.Errorf("plot: %d titles for %d images", len(titles), len(pics))
	}
	tiles := make([]tile, 0, 2*len(pics))
	for k, p := range pics {
		m := hm[k]
		caption := ""
		if titles != nil {
			caption = titles[k]
		}
		overlay := func(i int) color.RGBA { return mix(p.rgb(i), heat.at(m.pix[i]), 0.2+0.6*m.pix[i]) }
		mapCaption := "heat map"
		if c.mapTitles != nil {
			mapCaption = c.mapTitles[k]
		}
		tiles = append(tiles, tile{upscale(p.h, p.w, p.rgb), caption}, tile{upscale(p.h, p.w, overlay), mapCaption})
	}
	return gridFigure(tiles, 2*min(len(pics), 3), pics[0].h, pics[0].w, opts, "")
}
