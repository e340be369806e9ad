//go:build amd64 && !noasm

package cpu

import (
	"fmt"
	"testing"
)

// The checked assembly wrappers must panic, before the kernel runs, when a slice is too short.
// Only failing calls are made here, so these tests run whatever the CPU's instruction sets;
// TestKernelsStayInBounds runs the kernels this CPU has on slices of exactly the checked
// lengths.

// gemmTileChecks calls a GEMM micro-kernel wrapper of tile mr×nr with each operand one
// element short, and with negative or empty arguments.
func gemmTileChecks[T float32 | float64](t *testing.T, name string, mr, nr int, kernel func(int, []T, []T, []T, int, bool)) {
	const kc, ldc = 2, 40
	na, nb, nc := kc*mr, kc*nr, (mr-1)*ldc+nr
	call := func(kc, a, b, c, ldc int) func() {
		return func() { kernel(kc, make([]T, a), make([]T, b), make([]T, c), ldc, false) }
	}
	p := "cpu: " + name + " kernel: "
	expectPanic(t, fmt.Sprintf("%sa has %d elements, needs %d", p, na-1, na), call(kc, na-1, nb, nc, ldc))
	expectPanic(t, fmt.Sprintf("%sb has %d elements, needs %d", p, nb-1, nb), call(kc, na, nb-1, nc, ldc))
	expectPanic(t, fmt.Sprintf("%sc has %d elements, needs %d", p, nc-1, nc), call(kc, na, nb, nc-1, ldc))
	expectPanic(t, p+"a has 0 elements, needs 1", call(0, 0, nb, nc, ldc))
	expectPanic(t, p+"kc = -1, must not be negative", call(-1, na, nb, nc, ldc))
	expectPanic(t, p+"ldc = -1, must not be negative", call(kc, na, nb, nc, -1))
}

func TestSgemmTileChecks(t *testing.T) {
	t.Run("avx512", func(t *testing.T) { gemmTileChecks(t, "sgemm avx512", 12, 32, sgemmAVX512) })
	t.Run("avx2", func(t *testing.T) { gemmTileChecks(t, "sgemm avx2", 6, 16, sgemmAVX2) })
}

func TestDgemmTileChecks(t *testing.T) {
	t.Run("avx512", func(t *testing.T) { gemmTileChecks(t, "dgemm avx512", 12, 16, dgemmAVX512) })
	t.Run("avx2", func(t *testing.T) { gemmTileChecks(t, "dgemm avx2", 6, 8, dgemmAVX2) })
}

// TestCopy2DChecks checks strided2DAsm's corner rule, and that it copies (copy2D needs no
// vector instructions, so it runs on every amd64 CPU).
func TestCopy2DChecks(t *testing.T) {
	// A 3×4 block written transposed: dst reaches 2·1 + 3·3 = 11, src 2·4 + 3·1 = 11.
	call := func(dst, src []float32, srs int) func() {
		return func() { strided2DAsm(dst, 0, src, 0, 3, 4, srs, 1, 1, 3) }
	}
	expectPanic(t, "cpu: copy2D kernel: dst has 11 elements, needs 12", call(make([]float32, 11), make([]float32, 12), 4))
	expectPanic(t, "cpu: copy2D kernel: src has 11 elements, needs 12", call(make([]float32, 12), make([]float32, 11), 4))
	expectPanic(t, "cpu: copy2D kernel: src is read from index 0 on, reaches back 8 elements before it",
		call(make([]float32, 12), make([]float32, 12), -4))
	expectPanic(t, "cpu: copy2D kernel: dst offset = -1, must not be negative", func() {
		strided2DAsm(make([]float32, 12), -1, make([]float32, 12), 0, 1, 1, 0, 0, 0, 0)
	})
	src, dst := make([]float32, 12), make([]float32, 12)
	for i := range src {
		src[i] = float32(i)
	}
	call(dst, src, 4)()
	for r := range 3 {
		for c := range 4 {
			if dst[r+3*c] != src[4*r+c] {
				t.Fatalf("dst[%d] = %v, want %v", r+3*c, dst[r+3*c], src[4*r+c])
			}
		}
	}
	strided2DAsm(nil, 0, nil, 0, 0, 4, 1, 1, 1, 1) // nothing to copy: no check, no panic
}

func TestSmallKernelChecks(t *testing.T) {
	// m = 3, n = 5, k = 4, a read from 1 with row stride 4: a needs 1 + 2·4 + 3 + 1 = 13.
	call := func(m, k, na, nb, nc, nbias int) func() {
		return func() {
			var bias []float32
			if nbias >= 0 {
				bias = make([]float32, nbias)
			}
			smallAVX512(m, 5, k, make([]float32, na), 1, 4, 1, make([]float32, nb), make([]float32, nc), bias, true)
		}
	}
	p := "cpu: small matmul avx512 kernel: "
	expectPanic(t, p+"a has 12 elements, needs 13", call(3, 4, 12, 20, 15, 5))
	expectPanic(t, p+"b has 19 elements, needs 20", call(3, 4, 13, 19, 15, 5))
	expectPanic(t, p+"c has 14 elements, needs 15", call(3, 4, 13, 20, 14, 5))
	expectPanic(t, p+"bias has 4 elements, needs 5", call(3, 4, 13, 20, 15, 4))
	expectPanic(t, p+"b has 0 elements, needs 1", call(3, 0, 13, 0, 15, -1))
	expectPanic(t, p+"m = -1, must not be negative", call(-1, 4, 13, 20, 15, 5))
	expectPanic(t, p+"k = -1, must not be negative", call(3, -1, 13, 20, 15, 5))
}

func TestGradRowChecks(t *testing.T) {
	p := "cpu: masked row sum avx512 kernel: "
	expectPanic(t, p+"g has 19 elements, needs 20", func() { gradRowAVX512(make([]float32, 20), make([]float32, 19), nil, false) })
	expectPanic(t, p+"y has 19 elements, needs 20", func() {
		gradRowAVX512(make([]float32, 20), make([]float32, 20), make([]float32, 19), true)
	})
	if s := gradRowAVX512(nil, nil, nil, true); s != 0 {
		t.Fatalf("empty row sums to %v", s)
	}
}

// poolCheckPlane is 2 planes of 4×5 pooled to 2×2: the last row's bottom input row ends at
// (2−1)·4·5 + (2·2−1)·5 + 2·2 = 39, and there are 2·2·2 = 8 outputs.
var poolCheckPlane = poolPlane{n: 2, h: 4, w: 5, oh: 2, ow: 2}

func TestPoolKernelChecks(t *testing.T) {
	g := poolCheckPlane
	forward := map[string]func([]float32, []int64, []float32, poolPlane){
		"max pool 2x2 avx512": pool2x2ForwardAVX512,
		"max pool 2x2 avx2":   pool2x2ForwardAVX2,
	}
	for name, f := range forward {
		p := "cpu: " + name + " kernel: "
		call := func(nsrc, ndst, nidx int) func() {
			return func() { f(make([]float32, ndst), make([]int64, nidx), make([]float32, nsrc), g) }
		}
		expectPanic(t, p+"src has 38 elements, needs 39", call(38, 8, 8))
		expectPanic(t, p+"dst has 7 elements, needs 8", call(39, 7, 8))
		expectPanic(t, p+"idx has 7 elements, needs 8", call(39, 8, 7))
		expectPanic(t, p+"w = -5, must not be negative", func() {
			f(nil, nil, nil, poolPlane{n: 2, h: 4, w: -5, oh: 2, ow: 2})
		})
		f(nil, nil, nil, poolPlane{n: 2, h: 4, w: 5}) // no outputs: nothing to check or do
	}
	p := "cpu: max pool 2x2 backward avx512 kernel: "
	back := func(ndx, ngy, nidx int) func() {
		return func() { pool2x2BackwardAVX512(make([]float32, ndx), make([]float32, ngy), make([]int64, nidx), g) }
	}
	expectPanic(t, p+"dx has 38 elements, needs 39", back(38, 8, 8))
	expectPanic(t, p+"gy has 7 elements, needs 8", back(39, 7, 8))
	expectPanic(t, p+"idx has 7 elements, needs 8", back(39, 8, 7))
}

// convCase is a forward convolution call: nb images of cp channels padded to hp×wp, 3×3
// filters (oh = 4, ow = 5), outC = 5 output channels written from dst[dstOff].
type convCase struct {
	nb, cp, hp, wp, kh, kw, outC, dstOff int
}

var convCheck = convCase{nb: 2, cp: 3, hp: 6, wp: 7, kh: 3, kw: 3, outC: 5, dstOff: 3}

// needs returns what checkForward demands of x, w and dst for kernel set ck, worked out by
// hand: the last slot is image 1, row 3, column 0 (ow = 5 fits one vector), so x reaches
// ((1·3·6 + 3)·7 + 0) + max koff ((2·6 + 2)·7 + 2 = 100) + lanes.
func (c convCase) needs(ck *convKernels) (x, w, dst int) {
	return 147 + 100 + ck.lanes, roundUp(c.outC, ck.tileO) * c.cp * c.kh * c.kw, c.dstOff + c.nb*c.outC*4*5
}

func (c convCase) run(nx, nw, ndst int, koff []int) {
	c.runOn(make([]float32, nx), make([]float32, nw), make([]float32, ndst), koff)
}

func (c convCase) runOn(x, w, dst []float32, koff []int) {
	implicitForward(x, c.nb, c.cp, c.hp, c.wp, c.kh, c.kw, w, koff, c.outC, nil, false, dst, c.dstOff)
}

// withConvKernels runs fn with each kernel set this CPU runs selected.
func withConvKernels(t *testing.T, fn func(t *testing.T, ck *convKernels)) {
	sets := convKernelSets()
	if len(sets) == 0 {
		t.Skip("no convolution kernels on this CPU")
	}
	saved := convK
	defer func() { convK = saved }()
	for _, ck := range sets {
		convK = ck
		t.Run(fmt.Sprint(ck.lanes, "lanes"), func(t *testing.T) { fn(t, ck) })
	}
}

func TestConvTileChecks(t *testing.T) {
	withConvKernels(t, func(t *testing.T, ck *convKernels) {
		c := convCheck
		koff := windowOffsets(nil, c.cp, c.hp, c.wp, c.kh, c.kw)
		nx, nw, nd := c.needs(ck)
		if full := c.nb*c.cp*c.hp*c.wp + convSlack; full < nx {
			t.Fatalf("a padded buffer of %d values fails the check (needs %d)", full, nx)
		}
		p := "cpu: conv tile kernel: "
		expectPanic(t, fmt.Sprintf("%sx has %d elements, needs %d", p, nx-1, nx), func() { c.run(nx-1, nw, nd, koff) })
		expectPanic(t, fmt.Sprintf("%sw has %d elements, needs %d", p, nw-1, nw), func() { c.run(nx, nw-1, nd, koff) })
		expectPanic(t, fmt.Sprintf("%sdst has %d elements, needs %d", p, nd-1, nd), func() { c.run(nx, nw, nd-1, koff) })
		expectPanic(t, p+"koff has 0 elements, needs 1", func() { c.run(nx, nw, nd, nil) })
		bad := append([]int(nil), koff...)
		bad[3] = -4
		expectPanic(t, p+"window offset = -4, must not be negative", func() { c.run(nx, nw, nd, bad) })
	})
}

// wgCase is a weight-gradient call: 2 images of 3 channels of 5×5 padded by 1 (7×7), 3×3
// filters, outC = 4 gradient planes (6 allocated) of 5×5 padded by 1 (7×7).
type wgCase struct{ nb, og, gh, gw, q, oh, ow, ximg, xw, outC int }

var wgCheck = wgCase{nb: 2, og: 6, gh: 7, gw: 7, q: 1, oh: 5, ow: 5, ximg: 3 * 7 * 7, xw: 7, outC: 4}

// needs returns what checkWeightGrad demands of g and x, worked out by hand: the last slot is
// image 1, row 4, column 0, so its gradient offset is (1·6·7 + 4+1)·7 + 1 = 330 and its image
// offset 147 + 4·7 = 175; the last tile's last row starts o0 + dwO − 1 = 5 planes (of 49) in,
// and the largest window offset is (2·7 + 2)·7 + 2 = 114.
func (c wgCase) needs(ck *convKernels) (g, x int) {
	return 5*49 + 330 + ck.lanes, 175 + 114 + ck.lanes
}

func (c wgCase) runOn(gp, xp []float32, koff []int) {
	dw := make([]float32, c.outC*len(koff))
	implicitWeightGrad(dw, gp, c.nb, c.og, c.gh, c.gw, c.q, c.q, c.oh, c.ow, xp, c.ximg, c.xw, koff, c.outC)
}

func TestConvWeightGradChecks(t *testing.T) {
	withConvKernels(t, func(t *testing.T, ck *convKernels) {
		c := wgCheck
		koff := windowOffsets(nil, 3, 7, 7, 3, 3)
		ng, nx := c.needs(ck)
		if full := c.nb*c.og*c.gh*c.gw + convSlack; full < ng {
			t.Fatalf("a padded gradient of %d values fails the check (needs %d)", full, ng)
		}
		if full := c.nb*c.ximg + convSlack; full < nx {
			t.Fatalf("a padded buffer of %d values fails the check (needs %d)", full, nx)
		}
		p := "cpu: conv weight-gradient tile kernel: "
		expectPanic(t, fmt.Sprintf("%sg has %d elements, needs %d", p, ng-1, ng), func() {
			c.runOn(make([]float32, ng-1), make([]float32, nx), koff)
		})
		expectPanic(t, fmt.Sprintf("%sx has %d elements, needs %d", p, nx-1, nx), func() {
			c.runOn(make([]float32, ng), make([]float32, nx-1), koff)
		})
		bad := append([]int(nil), koff...)
		bad[0] = -8
		expectPanic(t, p+"window offset = -8, must not be negative", func() {
			c.runOn(make([]float32, ng), make([]float32, nx), bad)
		})
	})
}

// TestWrapperChecksDoNotAllocate runs the checks of wrappers that need no vector instructions
// (copy2D) or stop before their kernel (no work), which must not allocate.
func TestWrapperChecksDoNotAllocate(t *testing.T) {
	dst, src := make([]float32, 12), make([]float32, 12)
	allocs := testing.AllocsPerRun(100, func() {
		strided2DAsm(dst, 0, src, 0, 3, 4, 4, 1, 1, 3)
		poolCheckPlane.check("p", "src", 39, "dst", 8, 8)
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per run", allocs)
	}
}
