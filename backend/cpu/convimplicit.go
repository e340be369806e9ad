package cpu

import (
	"math"
	"unsafe"

	"github.com/ember-ml/ember/backend"
)

// Implicit-GEMM convolution for float32, stride 1 and no dilation: the kernels read the
// windows straight from zero-padded copies of the images, so no column matrix is ever built.
// A forward tile computes a few output channels (6 with AVX-512, 4 with AVX2) for a few slots
// (4 or 3) of one vector of output columns (16 or 8) of one output row each; the
// weight-gradient tile sums, over many slots, the products of a few rows of the output gradient
// with 4 window offsets. Both read the padded buffers a vector at a time: the buffers end in
// slack, and lanes past a row's end are masked out. The input gradient is the forward convolution of the padded
// output gradient with the filters rotated by 180° and their channel axes swapped.

// convTileArgs is convTile6x4's argument block. The assembly reads it by byte offset, through
// the #defines at the top of conv_amd64.s: change them with the fields (TestConvArgOffsets).
type convTileArgs struct {
	x       unsafe.Pointer // padded images
	w       unsafe.Pointer // packed weights [K][tile channels]
	koff    unsafe.Pointer // []int: byte offset of each window value from a slot's start
	k       int
	dst     unsafe.Pointer
	ostride int // bytes between output channels in dst
	nout    int // valid output channels (1…tile channels)
	relu    int
	xoff    [4]int // byte offsets of the slots in x
	doff    [4]int // byte offsets of the slots in dst
	mask    [4]int // the slots' valid lanes: a bit mask (AVX-512) or a count (AVX2)
	bias    [6]float32
}

// dwTileArgs is convDW6x4's argument block, read like convTileArgs.
type dwTileArgs struct {
	g       unsafe.Pointer // output gradient rows
	x       unsafe.Pointer // padded images
	gslot   unsafe.Pointer // []int: byte offset of each slot in g
	xslot   unsafe.Pointer // []int: byte offset of each slot in x
	masks   unsafe.Pointer // []int: lane mask of each slot
	slots   int
	ostride int    // bytes between the 6 rows of g
	koff    [4]int // byte offsets of the 4 window values from a slot's start in x
	out     [24]float32
}

// convKernels is one instruction set's tile kernels and their shapes.
type convKernels struct {
	lanes        int // output columns per slot (one vector)
	slots, tileO int // slots and output channels of a forward tile
	tile         func(*convTileArgs)
	dwO          int // gradient rows of a weight-gradient tile (its window offsets are 4)
	dw           func(*dwTileArgs)
	mask         func(valid int) int // a slot's mask argument for valid ≥ 1 lanes
}

// convSlack is how many values past its end a padded buffer keeps (zero), so whole-vector
// reads from its last row stay inside it.
const convSlack = 16

// convK is the kernel set this CPU runs; nil where there is no assembly for it.
var convK *convKernels

// implicitConvOK reports whether the implicit kernels can run geometry g.
func implicitConvOK(g backend.ConvGeometry) bool {
	return convK != nil && g.SH == 1 && g.SW == 1 && g.DH == 1 && g.DW == 1 &&
		g.PH <= g.KH-1 && g.PW <= g.KW-1
}

// padImages copies nb images of c planes (read row by row through row) into dst as planes of
// (h+2ph)×(w+2pw) values with a zero border.
func padImages(dst []float32, nb, c, h, w, ph, pw int, row func(b, ch, y int) []float32) {
	clear(dst)
	hp, wp := h+2*ph, w+2*pw
	for b := range nb {
		for ch := range c {
			plane := dst[(b*c+ch)*hp*wp:]
			for y := range h {
				copy(plane[(y+ph)*wp+pw:(y+ph)*wp+pw+w], row(b, ch, y))
			}
		}
	}
}

// packTiles lays out the [outC, K] matrix at(o, k) as ⌈outC/w⌉ tiles of [K][w] (zeros past
// outC).
func packTiles(dst []float32, w, outC, k int, at func(o, k int) float32) {
	for t := 0; t*w < outC; t++ {
		tile := dst[t*k*w : (t+1)*k*w]
		for p := range k {
			for i := range w {
				if o := t*w + i; o < outC {
					tile[p*w+i] = at(o, p)
				} else {
					tile[p*w+i] = 0
				}
			}
		}
	}
}

// bitMask is the AVX-512 slot mask of n ≥ 1 valid lanes of 16.
func bitMask(n int) int {
	if n >= 16 {
		return 0xffff
	}
	return 1<<n - 1
}

// laneCount is the AVX2 slot mask argument: the number of valid lanes of 8.
func laneCount(n int) int { return min(n, 8) }

// implicitForward convolves nb padded images xp ([nb][cp][hp][wp], stride 1) with the packed
// filters wt (tiles over outC, K = C·KH·KW window values with byte offsets koff) and writes
// act(· + bias) into dst, whose image n starts at element dstOff + n·outC·OH·OW.
func implicitForward(xp []float32, nb, cp, hp, wp, kh, kw int, wt []float32, koff []int, outC int, bias []float32, relu bool,
	dst []float32, dstOff int) {
	oh, ow := hp-kh+1, wp-kw+1
	ck := convK
	if !ck.checkForward(len(xp), nb, cp, hp, wp, oh, ow, len(wt), koff, outC, len(dst), dstOff) {
		return
	}
	var t convTileArgs
	t.x = unsafe.Pointer(&xp[0])
	t.koff = unsafe.Pointer(&koff[0])
	t.k = len(koff)
	t.dst = unsafe.Pointer(&dst[0])
	t.ostride = oh * ow * 4
	if relu {
		t.relu = 1
	}
	flush := func(n int) {
		for v := n; v < ck.slots; v++ {
			t.xoff[v], t.doff[v], t.mask[v] = 0, 0, 0
		}
		for o0 := 0; o0 < outC; o0 += ck.tileO {
			t.w = unsafe.Pointer(&wt[o0*len(koff)])
			t.nout = min(ck.tileO, outC-o0)
			for i := range ck.tileO {
				t.bias[i] = 0
				if bias != nil && o0+i < outC {
					t.bias[i] = bias[o0+i]
				}
			}
			base := t.doff
			for v := range n {
				t.doff[v] += o0 * oh * ow * 4
			}
			ck.tile(&t)
			t.doff = base
		}
	}
	n := 0
	for b := range nb {
		for y := range oh {
			for xs := 0; xs < ow; xs += ck.lanes {
				t.xoff[n] = ((b*cp*hp+y)*wp + xs) * 4
				t.doff[n] = (dstOff + b*outC*oh*ow + y*ow + xs) * 4
				t.mask[n] = ck.mask(ow - xs)
				if n++; n == ck.slots {
					flush(n)
					n = 0
				}
			}
		}
	}
	if n > 0 {
		flush(n)
	}
}

// checkForward panics unless every tile implicitForward runs stays inside its slices, and
// reports whether there is any tile. One check covers all tiles: a slot's offsets into x and
// dst are affine in (image b, row y, first column xs) with non-negative coefficients, so the
// first slot (offsets 0 and dstOff) reaches least and the last slot furthest.
//   - x: a tile reads whole vectors of lanes values (every lane on AVX2) at xoff + koff[k], so
//     the last slot's xoff = ((nb−1)·cp·hp + oh−1)·wp + xs plus max(koff) plus lanes values
//     must lie in xp (which ends in convSlack values for this), and no koff may be negative;
//   - w: the tile for channels o0, o0 + tileO, … reads tileO·K values from wt[o0·K], up to
//     ⌈outC/tileO⌉·tileO·K in all;
//   - dst: a tile writes only its slots' valid lanes (ow − xs of them, at most lanes) of its
//     channels o0 … o0+nout−1 < outC, so everything written lies in dst[dstOff,
//     dstOff + nb·outC·oh·ow).
func (ck *convKernels) checkForward(nx, nb, cp, hp, wp, oh, ow, nw int, koff []int, outC, ndst, dstOff int) bool {
	const name = "conv tile"
	checkNonNeg(name, "images", nb)
	checkNonNeg(name, "channels", cp)
	checkNonNeg(name, "padded height", hp)
	checkNonNeg(name, "padded width", wp)
	checkNonNeg(name, "dst offset", dstOff)
	if nb == 0 || oh <= 0 || ow <= 0 || outC <= 0 {
		return false
	}
	K := len(koff)
	checkLen(name, "koff", K, 1)
	lo, hi := offsetRange(koff)
	checkNonNeg(name, "window offset", lo)
	checkLen(name, "dst", ndst, satAdd(dstOff, satMul(satMul(nb, outC), satMul(oh, ow))))
	checkLen(name, "w", nw, satMul(roundUp(outC, ck.tileO), K))
	xsLast := (ow - 1) / ck.lanes * ck.lanes
	xoff := satAdd(satMul(satAdd(satMul(satMul(nb-1, cp), hp), oh-1), wp), xsLast)
	checkLen(name, "x", nx, satAdd(satAdd(xoff, satAdd(hi, 3)/4), ck.lanes))
	return true
}

// offsetRange returns the least and greatest of the byte offsets koff (not empty).
func offsetRange(koff []int) (lo, hi int) {
	lo, hi = koff[0], koff[0]
	for _, v := range koff[1:] {
		lo, hi = min(lo, v), max(hi, v)
	}
	return lo, hi
}

// windowOffsets returns, in off's storage, the byte offsets of the K = c·kh·kw window values from a window's
// top-left corner in images of planes hp×wp.
func windowOffsets(off []int, c, hp, wp, kh, kw int) []int {
	off = off[:0]
	for ch := range c {
		for i := range kh {
			for j := range kw {
				off = append(off, ((ch*hp+i)*wp+j)*4)
			}
		}
	}
	return off
}

// convImplicitForward is Conv2d through the implicit kernels.
func convImplicitForward(dst, src []float32, l backend.Layout, w, bias []float32, g backend.ConvGeometry, outC int, relu bool) {
	K := g.C * g.KH * g.KW
	hp, wp := g.H+2*g.PH, g.W+2*g.PW
	wtP, koffP := getScratch[float32](roundUp(outC, convK.tileO)*K), getScratch[int](K)
	defer putScratch(wtP)
	defer putScratch(koffP)
	wt := *wtP
	packTiles(wt, convK.tileO, outC, K, func(o, k int) float32 { return w[o*K+k] })
	koff := windowOffsets(*koffP, g.C, hp, wp, g.KH, g.KW)
	p := planChunks(g.N, g.C*hp*wp)
	p.run(g.N, func(_, n0, nb int) {
		xpP := getScratch[float32](nb*g.C*hp*wp + convSlack)
		defer putScratch(xpP)
		padImages(*xpP, nb, g.C, g.H, g.W, g.PH, g.PW, imageRows(src, l, n0, g.W))
		implicitForward(*xpP, nb, g.C, hp, wp, g.KH, g.KW, wt, koff, outC, bias, relu, dst, n0*outC*g.OutH()*g.OutW())
	})
}

// imageRows reads row y of channel ch of image n0+b through layout l.
func imageRows(src []float32, l backend.Layout, n0, w int) func(b, ch, y int) []float32 {
	st := l.Strides
	if st[3] == 1 {
		return func(b, ch, y int) []float32 {
			s := l.Offset + (n0+b)*st[0] + ch*st[1] + y*st[2]
			return src[s : s+w]
		}
	}
	buf := make([]float32, w)
	return func(b, ch, y int) []float32 {
		s := l.Offset + (n0+b)*st[0] + ch*st[1] + y*st[2]
		for x := range buf {
			buf[x] = src[s+x*st[3]]
		}
		return buf
	}
}

// convImplicitBackward is Conv2dBackward through the implicit kernels.
func convImplicitBackward(dx, dw, db, gy, y, src []float32, l backend.Layout, w []float32, g backend.ConvGeometry, outC int, relu bool) {
	oh, ow := g.OutH(), g.OutW()
	hp, wp := g.H+2*g.PH, g.W+2*g.PW
	og := roundUp(outC, 6) // gradient planes per image (extra planes stay 0)
	// The gradient is padded for the input-gradient convolution (none when it is not needed).
	qh, qw := 0, 0
	if dx != nil {
		qh, qw = g.KH-1-g.PH, g.KW-1-g.PW
	}
	gH, gW := oh+2*qh, ow+2*qw
	koffP := getScratch[int](g.C * g.KH * g.KW)
	defer putScratch(koffP)
	koff := windowOffsets(*koffP, g.C, hp, wp, g.KH, g.KW)
	var wt []float32
	var koffG []int
	if dx != nil {
		// Rotated filters: w'[c, (o, i, j)] = w[o, c, KH−1−i, KW−1−j].
		kt := outC * g.KH * g.KW
		wtP, koffGP := getScratch[float32](roundUp(g.C, convK.tileO)*kt), getScratch[int](kt)
		defer putScratch(wtP)
		defer putScratch(koffGP)
		wt = *wtP
		khw := g.KH * g.KW
		packTiles(wt, convK.tileO, g.C, kt, func(c, k int) float32 {
			o, r := k/khw, k%khw
			i, j := r/g.KW, r%g.KW
			return w[(o*g.C+c)*khw+(g.KH-1-i)*g.KW+(g.KW-1-j)]
		})
		koffG = windowOffsets(*koffGP, outC, gH, gW, g.KH, g.KW)
	}
	p := planChunks(g.N, max(g.C*hp*wp, og*gH*gW))
	dws, dbs, release := partialSums(p.workers, dw, db)
	defer release()
	p.run(g.N, func(wk, n0, nb int) {
		gpP := getScratch[float32](nb*og*gH*gW + convSlack)
		defer putScratch(gpP)
		gp := *gpP
		clear(gp)
		gb := dbs[wk]
		for b := range nb {
			for o := range outC {
				base := ((n0+b)*outC + o) * oh * ow
				plane := gp[(b*og+o)*gH*gW:]
				var sum float32
				for yy := range oh {
					row := plane[(yy+qh)*gW+qw : (yy+qh)*gW+qw+ow]
					gs := gy[base+yy*ow : base+yy*ow+ow]
					var ys []float32
					if relu {
						ys = y[base+yy*ow : base+yy*ow+ow]
					}
					sum += gradRow(row, gs, ys, relu)
				}
				if gb != nil {
					gb[o] += sum
				}
			}
		}
		if pw := dws[wk]; pw != nil {
			xpP := getScratch[float32](nb*g.C*hp*wp + convSlack)
			defer putScratch(xpP)
			padImages(*xpP, nb, g.C, g.H, g.W, g.PH, g.PW, imageRows(src, l, n0, g.W))
			implicitWeightGrad(pw, gp, nb, og, gH, gW, qh, qw, oh, ow, *xpP, g.C*hp*wp, wp, koff, outC)
		}
		if dx != nil {
			implicitForward(gp, nb, og, gH, gW, g.KH, g.KW, wt, koffG, g.C, nil, false, dx, n0*g.C*g.H*g.W)
		}
	})
	for wk := 1; wk < p.workers; wk++ {
		for i, v := range dws[wk] {
			dw[i] += v
		}
		for i, v := range dbs[wk] {
			db[i] += v
		}
	}
}

// gradRow writes g into dst, zeroed where the ReLU output y is not positive when relu is set
// (PyTorch's threshold_backward), and returns the sum of what it wrote.
var gradRow = func(dst, g, y []float32, relu bool) float32 {
	var sum float32
	for i, v := range g[:len(dst)] {
		if relu {
			v = reluGrad(v, y[i])
		}
		dst[i] = v
		sum += v
	}
	return sum
}

// reluGrad is g where the ReLU output y is positive, else 0 (PyTorch's threshold_backward).
func reluGrad(g, y float32) float32 {
	m := uint32(0)
	if y > 0 {
		m = math.MaxUint32
	}
	return math.Float32frombits(math.Float32bits(g) & m)
}

// implicitWeightGrad adds Σ over the chunk's positions of g[o]·window[k] into dw [outC, K]:
// gp holds nb gradients of og planes gh×gw (data at row qh, column qw), xp the nb padded images
// (ximg values each, rows of xw), koff the window offsets.
func implicitWeightGrad(dw, gp []float32, nb, og, gh, gw, qh, qw, oh, ow int, xp []float32, ximg, xw int, koff []int, outC int) {
	ck := convK
	if !ck.checkWeightGrad(len(gp), nb, og, gh, gw, qh, qw, oh, ow, len(xp), ximg, xw, koff, outC) {
		return
	}
	nslots := nb * oh * ((ow + ck.lanes - 1) / ck.lanes)
	gsP, xsP, msP := getScratch[int](nslots), getScratch[int](nslots), getScratch[int](nslots)
	defer putScratch(gsP)
	defer putScratch(xsP)
	defer putScratch(msP)
	gs, xs, ms := *gsP, *xsP, *msP
	s := 0
	for b := range nb {
		for y := range oh {
			for x0 := 0; x0 < ow; x0 += ck.lanes {
				gs[s] = ((b*og*gh+y+qh)*gw + qw + x0) * 4
				xs[s] = (b*ximg + y*xw + x0) * 4
				ms[s] = ck.mask(ow - x0)
				s++
			}
		}
	}
	K := len(koff)
	var t dwTileArgs
	t.g = unsafe.Pointer(&gp[0])
	t.x = unsafe.Pointer(&xp[0])
	t.gslot = unsafe.Pointer(&gs[0])
	t.xslot = unsafe.Pointer(&xs[0])
	t.masks = unsafe.Pointer(&ms[0])
	t.slots = nslots
	t.ostride = gh * gw * 4
	for o0 := 0; o0 < outC; o0 += ck.dwO {
		t.g = unsafe.Pointer(&gp[o0*gh*gw])
		for k0 := 0; k0 < K; k0 += 4 {
			for kk := range 4 {
				t.koff[kk] = koff[min(k0+kk, K-1)]
			}
			ck.dw(&t)
			for o := o0; o < min(o0+ck.dwO, outC); o++ {
				for k := k0; k < min(k0+4, K); k++ {
					dw[o*K+k] += t.out[(o-o0)*4+k-k0]
				}
			}
		}
	}
}

// checkWeightGrad panics unless every tile implicitWeightGrad runs stays inside gp and xp, and
// reports whether there is any. One check covers all tiles: the slot offsets gslot and xslot
// are affine in (image b, row y, first column x0) with non-negative coefficients, so the first
// slot reaches least and the last furthest.
//   - g: the tile for rows o0, o0 + dwO, … reads whole vectors (lanes values) of its dwO rows,
//     all of them even past outC, at gp[o0·gh·gw + gslot + o·gh·gw]; the last tile's last row
//     ends at (o0 + dwO − 1)·gh·gw + ((nb−1)·og·gh + oh−1+qh)·gw + qw + x0 + lanes;
//   - x: the tile reads whole vectors at xslot + koff[k], the last ending at
//     (nb−1)·ximg + (oh−1)·xw + x0 + max(koff) + lanes, and no koff may be negative.
func (ck *convKernels) checkWeightGrad(ng, nb, og, gh, gw, qh, qw, oh, ow, nx, ximg, xw int, koff []int, outC int) bool {
	const name = "conv weight-gradient tile"
	for _, v := range [...]struct {
		name string
		v    int
	}{{"images", nb}, {"gradient planes", og}, {"gradient height", gh}, {"gradient width", gw},
		{"row padding", qh}, {"column padding", qw}, {"image size", ximg}, {"image width", xw}} {
		checkNonNeg(name, v.name, v.v)
	}
	if nb == 0 || oh <= 0 || ow <= 0 || outC <= 0 || len(koff) == 0 {
		return false
	}
	lo, hi := offsetRange(koff)
	checkNonNeg(name, "window offset", lo)
	x0Last := (ow - 1) / ck.lanes * ck.lanes
	plane := satMul(gh, gw)
	rows := satMul((outC-1)/ck.dwO*ck.dwO+ck.dwO-1, plane) // o0 + dwO − 1 planes before the last row
	gslot := satAdd(satMul(satAdd(satMul(satMul(nb-1, og), gh), satAdd(oh-1, qh)), gw), satAdd(qw, x0Last))
	checkLen(name, "g", ng, satAdd(satAdd(rows, gslot), ck.lanes))
	xslot := satAdd(satAdd(satMul(nb-1, ximg), satMul(oh-1, xw)), x0Last)
	checkLen(name, "x", nx, satAdd(satAdd(xslot, satAdd(hi, 3)/4), ck.lanes))
	return true
}
