//go:build amd64 && !noasm

package cpu

import "golang.org/x/sys/cpu"

//go:noescape
func smallKernelAVX512(m, n, k int, a *float32, ars, acs int, b, c, bias *float32, relu int)

// smallAVX512 is the AVX-512 small product (see smallKernel). It reads a[aoff + i·ars + p·acs]
// for i < m, p < k, b[0, k·n) and bias[0, n) (when not nil) and writes c[0, m·n); lanes past a
// row's end are masked, so nothing else is touched. It does nothing when m or n is 0.
func smallAVX512(m, n, k int, a []float32, aoff, ars, acs int, b, c, bias []float32, relu bool) {
	const name = "small matmul avx512"
	checkNonNeg(name, "m", m)
	checkNonNeg(name, "n", n)
	checkNonNeg(name, "k", k)
	if m == 0 || n == 0 {
		return
	}
	// a[aoff] and b[0] are dereferenced even when k is 0 (and nothing more of a is read).
	if k == 0 {
		checkStrided(name, "a", len(a), aoff, 1, 0, 1, 0)
	} else {
		checkStrided(name, "a", len(a), aoff, m, ars, k, acs)
	}
	checkLen(name, "b", len(b), max(satMul(k, n), 1))
	checkLen(name, "c", len(c), satMul(m, n))
	var bp *float32
	if bias != nil {
		checkLen(name, "bias", len(bias), n)
		bp = &bias[0]
	}
	smallKernelAVX512(m, n, k, &a[aoff], ars, acs, &b[0], &c[0], bp, b2i(relu))
}

func init() {
	if cpu.X86.HasAVX512F && !forceAVX2 {
		smallKernel = smallAVX512
	}
}
