//go:build amd64 && !noasm

package cpu

import "golang.org/x/sys/cpu"

//go:noescape
func maxPool2x2Row(dst *float32, idx *int64, top, bot *float32, blocks int, tail *[3]int, base, w int)

//go:noescape
func maxPool2x2RowAVX2(dst *float32, idx *int64, top, bot *float32, blocks, tail, base, w int)

//go:noescape
func maxPool2x2BackRow(top, bot, gy *float32, idx *int64, blocks int, tail *[3]int, base, w int)

func init() {
	if !cpu.X86.HasAVX512F || !cpu.X86.HasAVX512VL || !cpu.X86.HasAVX512DQ || forceAVX2 {
		if cpu.X86.HasAVX2 {
			pool2x2Forward = pool2x2ForwardAVX2
		}
		return
	}
	pool2x2Forward = pool2x2ForwardAVX512
	pool2x2Backward = pool2x2BackwardAVX512
}

// pool2x2ForwardAVX512 is the AVX-512 forward pass (16 columns a block).
func pool2x2ForwardAVX512(dst []float32, idx []int64, src []float32, g poolPlane) {
	if !g.check("max pool 2x2 avx512", "src", len(src), "dst", len(dst), len(idx)) {
		return
	}
	blocks, tail := poolBlocks(g.ow)
	g.eachRow(func(r0, o, base int) {
		maxPool2x2Row(&dst[o], &idx[o], &src[r0], &src[r0+g.w], blocks, &tail, base, g.w)
	})
}

// pool2x2BackwardAVX512 is the AVX-512 backward pass (16 columns a block).
func pool2x2BackwardAVX512(dx, gy []float32, idx []int64, g poolPlane) {
	if !g.check("max pool 2x2 backward avx512", "dx", len(dx), "gy", len(gy), len(idx)) {
		return
	}
	blocks, tail := poolBlocks(g.ow)
	g.eachRow(func(r0, o, base int) {
		maxPool2x2BackRow(&dx[r0], &dx[r0+g.w], &gy[o], &idx[o], blocks, &tail, base, g.w)
	})
}

// check panics unless one pass of the row kernels over g fits its slices, and reports whether
// there is anything to do. The call for the output row whose top input row starts at r0 and
// whose outputs start at o touches in[r0, r0+2·ow) and in[r0+w, r0+w+2·ow) (in is src or dx)
// and out[o, o+ow) and idx[o, o+ow) (out is dst or gy), nothing else: the kernels mask the
// lanes past a row's end. r0 = img·h·w + 2y·w and o = (img·oh + y)·ow only grow with img and
// y, so the last row of the last plane reaches furthest, and this one check covers every call
// of eachRow.
func (g poolPlane) check(kernel, inName string, nin int, outName string, nout, nidx int) bool {
	checkNonNeg(kernel, "planes", g.n)
	checkNonNeg(kernel, "h", g.h)
	checkNonNeg(kernel, "w", g.w)
	checkNonNeg(kernel, "oh", g.oh)
	checkNonNeg(kernel, "ow", g.ow)
	if g.n == 0 || g.oh == 0 || g.ow == 0 {
		return false
	}
	// Last row: r0 = (n−1)·h·w + 2(oh−1)·w, reaching r0 + w + 2·ow − 1.
	in := satAdd(satMul(g.n-1, satMul(g.h, g.w)), satAdd(satMul(satMul(2, g.oh)-1, g.w), satMul(2, g.ow)))
	out := satMul(satMul(g.n, g.oh), g.ow)
	checkLen(kernel, inName, nin, in)
	checkLen(kernel, outName, nout, out)
	checkLen(kernel, "idx", nidx, out)
	return true
}

// eachRow calls fn for every output row of 2×2 pooling with the offset of its top input row,
// of its outputs, and the flat in-plane position of its first window.
func (g poolPlane) eachRow(fn func(r0, o, base int)) {
	for img := range g.n {
		for y := range g.oh {
			fn(img*g.h*g.w+2*y*g.w, (img*g.oh+y)*g.ow, 2*y*g.w)
		}
	}
}

// poolBlocks splits ow ≥ 1 output columns into full blocks of 16 and the lane masks of the
// rest: output lanes, then the low and high 16 of its 2·(ow mod 16) input values.
func poolBlocks(ow int) (blocks int, tail [3]int) {
	blocks, rest := ow/16, ow%16
	if rest > 0 {
		tail[0] = 1<<rest - 1
		tail[1] = 1<<min(2*rest, 16) - 1
		tail[2] = 1<<max(2*rest-16, 0) - 1
	}
	return blocks, tail
}

// pool2x2ForwardAVX2 is the AVX2 forward pass (8 columns a block); the backward pass stays the
// scalar scatter on these CPUs.
func pool2x2ForwardAVX2(dst []float32, idx []int64, src []float32, g poolPlane) {
	if !g.check("max pool 2x2 avx2", "src", len(src), "dst", len(dst), len(idx)) {
		return
	}
	blocks, tail := g.ow/8, g.ow%8
	g.eachRow(func(r0, o, base int) {
		maxPool2x2RowAVX2(&dst[o], &idx[o], &src[r0], &src[r0+g.w], blocks, tail, base, g.w)
	})
}
