package cpu

import (
	"github.com/ember-ml/ember/backend"
)

// Im2Col unfolds windows: dst[n, (c·KH + i)·KW + j, oh·OW + ow] = src[n, c, oh·SH − PH + i·DH,
// ow·SW − PW + j·DW], or pad outside the image.
func (Backend) Im2Col(dst backend.Storage, src backend.Storage, srcL backend.Layout, g backend.ConvGeometry, pad float64) {
	switch s := src.(type) {
	case *Storage[float32]:
		im2col(data[float32](dst), s.Data, srcL, g, float32(pad))
	case *Storage[float64]:
		im2col(data[float64](dst), s.Data, srcL, g, pad)
	}
}

func im2col[T float32 | float64](dst, src []T, l backend.Layout, g backend.ConvGeometry, pad T) {
	L := g.OutH() * g.OutW()
	rows := g.C * g.KH * g.KW
	for n := range g.N {
		im2colSample(dst[n*rows*L:], L, src, l.Offset+n*l.Strides[0], l.Strides[1:4], g, pad)
	}
}

// im2colSample unfolds one image (channel c at src[base + c·st[0]], rows st[1], columns st[2])
// into dst: window row r of the unfolded matrix starts at dst[r·ld] and holds OH·OW values.
func im2colSample[T float32 | float64](dst []T, ld int, src []T, base int, st []int, g backend.ConvGeometry, pad T) {
	oh, ow := g.OutH(), g.OutW()
	sc, sh, sw := st[0], st[1], st[2]
	r := 0
	for c := range g.C {
		cbase := base + c*sc
		for i := range g.KH {
			for j := range g.KW {
				row := dst[r*ld : r*ld+oh*ow]
				r++
				x0, x1 := validRange(ow, g.SW, j*g.DW-g.PW, g.W)
				for y := range oh {
					out := row[y*ow : (y+1)*ow]
					iy := y*g.SH - g.PH + i*g.DH
					if iy < 0 || iy >= g.H {
						for x := range out {
							out[x] = pad
						}
						continue
					}
					for x := 0; x < x0; x++ {
						out[x] = pad
					}
					for x := x1; x < ow; x++ {
						out[x] = pad
					}
					start := cbase + iy*sh + (x0*g.SW-g.PW+j*g.DW)*sw
					if g.SW == 1 && sw == 1 {
						copy(out[x0:x1], src[start:start+x1-x0])
						continue
					}
					step := g.SW * sw
					for x := x0; x < x1; x++ {
						out[x] = src[start]
						start += step
					}
				}
			}
		}
	}
}

// validRange returns the output columns [x0, x1) whose input column x·stride + shift lies in
// [0, w).
func validRange(ow, stride, shift, w int) (x0, x1 int) {
	// x·stride + shift ≥ 0  ⇔  x ≥ ceil(−shift/stride); x·stride + shift < w ⇔ x ≤ (w−1−shift)/stride.
	x0 = 0
	if shift < 0 {
		x0 = (-shift + stride - 1) / stride
	}
	last := w - 1 - shift
	if last < 0 {
		return 0, 0
	}
	x1 = min(ow, last/stride+1)
	if x0 > x1 {
		x0 = x1
	}
	return x0, x1
}

// Col2Im folds windows back: it adds cols into the zero-initialised image dst.
func (Backend) Col2Im(dst backend.Storage, cols backend.Storage, colsL backend.Layout, g backend.ConvGeometry) {
	switch d := dst.(type) {
	case *Storage[float32]:
		col2im(d.Data, data[float32](cols), colsL, g)
	case *Storage[float64]:
		col2im(d.Data, data[float64](cols), colsL, g)
	}
}

func col2im[T float32 | float64](dst, cols []T, l backend.Layout, g backend.ConvGeometry) {
	for n := range g.N {
		col2imSample(dst[n*g.C*g.H*g.W:(n+1)*g.C*g.H*g.W], cols, l.Offset+n*l.Strides[0], l.Strides[1], l.Strides[2], g)
	}
}

// col2imSample adds one image's windows into img (contiguous [C, H, W]): window row r, column
// p of the unfolded matrix is cols[base + r·rs + p·ps].
func col2imSample[T float32 | float64](img, cols []T, base, rs, ps int, g backend.ConvGeometry) {
	oh, ow := g.OutH(), g.OutW()
	for c := range g.C {
		plane := img[c*g.H*g.W : (c+1)*g.H*g.W]
		for i := range g.KH {
			for j := range g.KW {
				r := (c*g.KH+i)*g.KW + j
				rbase := base + r*rs
				x0, x1 := validRange(ow, g.SW, j*g.DW-g.PW, g.W)
				for y := range oh {
					iy := y*g.SH - g.PH + i*g.DH
					if iy < 0 || iy >= g.H {
						continue
					}
					ix := x0*g.SW - g.PW + j*g.DW
					k := rbase + (y*ow+x0)*ps
					if g.SW == 1 && ps == 1 {
						dst := plane[iy*g.W+ix : iy*g.W+ix+x1-x0]
						for x, v := range cols[k : k+x1-x0] {
							dst[x] += v
						}
						continue
					}
					for x := x0; x < x1; x++ {
						plane[iy*g.W+ix] += cols[k]
						ix += g.SW
						k += ps
					}
				}
			}
		}
	}
}

// MaxPool2d takes window maxima and their positions.
func (Backend) MaxPool2d(dst, idx backend.Storage, src backend.Storage, srcL backend.Layout, g backend.ConvGeometry) {
	switch s := src.(type) {
	case *Storage[float32]:
		maxPool(data[float32](dst), data[int64](idx), s.Data, srcL, g)
	case *Storage[float64]:
		maxPool(data[float64](dst), data[int64](idx), s.Data, srcL, g)
	}
}

func maxPool[T float32 | float64](dst []T, idx []int64, src []T, l backend.Layout, g backend.ConvGeometry) {
	if is2x2(g) && l.IsContiguous() {
		if f, ok := any(pool2x2Forward).(func([]T, []int64, []T, poolPlane)); ok && f != nil && g.OutW() > 0 {
			f(dst, idx, src[l.Offset:], planeOf(g))
			return
		}
		maxPool2x2(dst, idx, src[l.Offset:], g)
		return
	}
	oh, ow := g.OutH(), g.OutW()
	sn, sc, sh, sw := l.Strides[0], l.Strides[1], l.Strides[2], l.Strides[3]
	pos := 0
	for n := range g.N {
		for c := range g.C {
			base := l.Offset + n*sn + c*sc
			for y := range oh {
				for x := range ow {
					best, at := T(0), int64(-1)
					for i := range g.KH {
						iy := y*g.SH - g.PH + i*g.DH
						if iy < 0 || iy >= g.H {
							continue
						}
						for j := range g.KW {
							ix := x*g.SW - g.PW + j*g.DW
							if ix < 0 || ix >= g.W {
								continue
							}
							v := src[base+iy*sh+ix*sw]
							if at < 0 || v > best || (v != v && best == best) {
								best, at = v, int64(iy*g.W+ix)
							}
						}
					}
					dst[pos], idx[pos] = best, at
					pos++
				}
			}
		}
	}
}

// maxPool2x2 is the common 2×2, stride-2 pooling of contiguous images, without bounds tests.
func maxPool2x2[T float32 | float64](dst []T, idx []int64, src []T, g backend.ConvGeometry) {
	oh, ow := g.OutH(), g.OutW()
	pos := 0
	for img := range g.N * g.C {
		base := img * g.H * g.W
		for y := range oh {
			r0 := base + 2*y*g.W
			r1 := r0 + g.W
			top, bot := src[r0:r0+2*ow], src[r1:r1+2*ow]
			for x := range ow {
				// Candidates in window order; the first maximum wins, and NaN wins.
				best, at := top[2*x], 2*y*g.W+2*x
				if v := top[2*x+1]; v > best || (v != v && best == best) {
					best, at = v, 2*y*g.W+2*x+1
				}
				if v := bot[2*x]; v > best || (v != v && best == best) {
					best, at = v, (2*y+1)*g.W+2*x
				}
				if v := bot[2*x+1]; v > best || (v != v && best == best) {
					best, at = v, (2*y+1)*g.W+2*x+1
				}
				dst[pos], idx[pos] = best, int64(at)
				pos++
			}
		}
	}
}

// poolPlane is the shape of 2×2 pooling: n planes of h×w values, oh×ow outputs each.
type poolPlane struct{ n, h, w, oh, ow int }

func planeOf(g backend.ConvGeometry) poolPlane {
	return poolPlane{g.N * g.C, g.H, g.W, g.OutH(), g.OutW()}
}

// The vector 2×2 pooling kernels for float32; nil where the CPU has none.
var (
	pool2x2Forward  func(dst []float32, idx []int64, src []float32, g poolPlane)
	pool2x2Backward func(dx, gy []float32, idx []int64, g poolPlane)
)

// is2x2 reports whether g is 2×2 pooling with stride 2 and no padding or dilation.
func is2x2(g backend.ConvGeometry) bool {
	return g.KH == 2 && g.KW == 2 && g.SH == 2 && g.SW == 2 && g.PH == 0 && g.PW == 0 && g.DH == 1 && g.DW == 1
}
