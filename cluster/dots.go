package cluster

// dots8Go sets out[r·8 + c] = Σ_j x[r·d + j]·ct[j·8 + c] in float32 for the rows r < rows of
// the row-major x [rows, d] and the 8 columns of ct [d, 8] (eight centres, transposed).
func dots8Go(x []float32, d, rows int, ct, out []float32) {
	for r := range rows {
		var acc [8]float32
		for j, v := range x[r*d : (r+1)*d] {
			c := ct[j*8 : j*8+8]
			for q := range acc {
				acc[q] += v * c[q]
			}
		}
		copy(out[r*8:r*8+8], acc[:])
	}
}

// argmin8Kernel computes argmin8: argmin8Asm where the CPU has AVX2 and FMA, else argmin8Go.
var argmin8Kernel = argmin8Go

// argmin8 finds, for each row r < rows of the row-major x [rows, d], the nearest of eight
// centres (ct [d, 8], transposed; cn their float32 squared norms, +Inf for absent centres) by
// e_c = cn[c] − 2·x·c in float32: val[r] = min_c e_c and idx[r] = the lowest c attaining it.
func argmin8(x []float32, d, rows int, ct, cn []float32, val []float32, idx []int) {
	argmin8Kernel(x, d, rows, ct, cn, val, idx)
}

// argmin8Go is the portable argmin8.
func argmin8Go(x []float32, d, rows int, ct, cn []float32, val []float32, idx []int) {
	var dots [8]float32
	for r := range rows {
		dots8Go(x[r*d:(r+1)*d], d, 1, ct, dots[:])
		best, at := cn[0]-2*dots[0], 0
		for c := 1; c < 8; c++ {
			if e := cn[c] - 2*dots[c]; e < best {
				best, at = e, c
			}
		}
		val[r], idx[r] = best, at
	}
}
