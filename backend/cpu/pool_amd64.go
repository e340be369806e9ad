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
	pool2x2Forward = func(dst []float32, idx []int64, src []float32, g poolPlane) {
		blocks, tail := poolBlocks(g.ow)
		g.eachRow(func(r0, o, base int) {
			_, _ = src[r0+g.w+2*g.ow-1], dst[o+g.ow-1]
			_ = idx[o+g.ow-1]
			maxPool2x2Row(&dst[o], &idx[o], &src[r0], &src[r0+g.w], blocks, &tail, base, g.w)
		})
	}
	pool2x2Backward = func(dx, gy []float32, idx []int64, g poolPlane) {
		blocks, tail := poolBlocks(g.ow)
		g.eachRow(func(r0, o, base int) {
			_, _ = dx[r0+g.w+2*g.ow-1], gy[o+g.ow-1]
			_ = idx[o+g.ow-1]
			maxPool2x2BackRow(&dx[r0], &dx[r0+g.w], &gy[o], &idx[o], blocks, &tail, base, g.w)
		})
	}
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
	blocks, tail := g.ow/8, g.ow%8
	g.eachRow(func(r0, o, base int) {
		_, _ = src[r0+g.w+2*g.ow-1], dst[o+g.ow-1]
		_ = idx[o+g.ow-1]
		maxPool2x2RowAVX2(&dst[o], &idx[o], &src[r0], &src[r0+g.w], blocks, tail, base, g.w)
	})
}
