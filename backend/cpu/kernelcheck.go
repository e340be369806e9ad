package cpu

import (
	"fmt"
	"math"
	"math/bits"
)

// Bounds checks for the assembly kernels. A kernel gets raw pointers and trusts its sizes,
// strides and offsets, so the Go code that calls it first checks, in O(1) and without
// allocating, that every slice holds everything the kernel reads or writes; a failed check
// panics with a message naming the kernel and the slice instead of corrupting memory.
// Arithmetic saturates at math.MaxInt, so huge or overflowing sizes fail the check too.

// checkLen panics unless a slice of have elements holds the need elements kernel touches.
func checkLen(kernel, name string, have, need int) {
	if have < need {
		panicLen(kernel, name, have, need)
	}
}

//go:noinline
func panicLen(kernel, name string, have, need int) {
	panic(fmt.Sprintf("cpu: %s kernel: %s has %d elements, needs %d", kernel, name, have, need))
}

// checkNonNeg panics unless the size or stride v that kernel gets is at least 0.
func checkNonNeg(kernel, name string, v int) {
	if v < 0 {
		panicArg(kernel, name, v)
	}
}

//go:noinline
func panicArg(kernel, name string, v int) {
	panic(fmt.Sprintf("cpu: %s kernel: %s = %d, must not be negative", kernel, name, v))
}

// satMul is a·b for a, b ≥ 0, or math.MaxInt when the product does not fit an int.
func satMul(a, b int) int {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	if hi != 0 || lo > math.MaxInt {
		return math.MaxInt
	}
	return int(lo)
}

// satAdd is a + b for a, b ≥ 0, or math.MaxInt when the sum does not fit an int.
func satAdd(a, b int) int {
	if s := a + b; s >= a {
		return s
	}
	return math.MaxInt
}

// checkStrided panics unless every element off + r·rs + c·cs for r < rows and c < cols (rows,
// cols ≥ 1; strides of any sign) lies in a slice of have elements. The extremes of this affine
// form are at the block's corners, so two sums decide.
func checkStrided(kernel, name string, have, off, rows, rs, cols, cs int) {
	if off < 0 {
		panic(fmt.Sprintf("cpu: %s kernel: %s offset = %d, must not be negative", kernel, name, off))
	}
	up, down := 0, 0 // how far the block reaches past off, and before it
	if rs >= 0 {
		up = satMul(rows-1, rs)
	} else {
		down = satMul(rows-1, -rs)
	}
	if cs >= 0 {
		up = satAdd(up, satMul(cols-1, cs))
	} else {
		down = satAdd(down, satMul(cols-1, -cs))
	}
	if down > off {
		panic(fmt.Sprintf("cpu: %s kernel: %s is read from index %d on, reaches back %d elements before it", kernel, name, off, down))
	}
	checkLen(kernel, name, have, satAdd(satAdd(off, up), 1))
}

// checkGemmTile panics unless a GEMM micro-kernel of tile mr×nr can run kc steps on packed
// panels a (kc groups of mr values, na in all) and b (kc groups of nr, nb in all) and the
// mr×nr tile of c (nc values) with row stride ldc. The kernel dereferences a[0] and b[0] even
// when kc is 0, so those must exist.
func checkGemmTile(kernel string, mr, nr, kc, na, nb, nc, ldc int) {
	checkNonNeg(kernel, "kc", kc)
	checkNonNeg(kernel, "ldc", ldc)
	checkLen(kernel, "a", na, max(satMul(kc, mr), 1))
	checkLen(kernel, "b", nb, max(satMul(kc, nr), 1))
	checkLen(kernel, "c", nc, satAdd(satMul(mr-1, ldc), nr))
}
