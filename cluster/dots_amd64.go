//go:build amd64 && !noasm

package cluster

import (
	"math"

	"golang.org/x/sys/cpu"
)

//go:noescape
func dots8MinAVX2(x *float32, ldx, rows, d int, ct *float32, cn *float32, out *uint32)

func init() {
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		argmin8Kernel = argmin8Asm
	}
}

// argmin8Asm is argmin8 with the AVX2 kernel; the last rows%8 rows go through a zero-padded
// copy of 8 rows.
func argmin8Asm(x []float32, d, rows int, ct, cn []float32, val []float32, idx []int) {
	if rows == 0 {
		return
	}
	_ = ct[d*8-1]
	_ = cn[7]
	var out [2 * lloydChunk]uint32
	for r0 := 0; r0 < rows; r0 += lloydChunk {
		m := min(lloydChunk, rows-r0)
		m8 := m / 8 * 8
		if m8 > 0 {
			_ = x[(r0+m8)*d-1]
			dots8MinAVX2(&x[r0*d], d, m8, d, &ct[0], &cn[0], &out[0])
		}
		if m8 < m {
			var pad [8 * 64]float32
			buf := pad[:]
			if 8*d > len(buf) {
				buf = make([]float32, 8*d)
			}
			copy(buf, x[(r0+m8)*d:(r0+m)*d])
			clear(buf[(m-m8)*d : 8*d])
			dots8MinAVX2(&buf[0], d, 8, d, &ct[0], &cn[0], &out[2*m8])
		}
		for i := range m {
			val[r0+i] = math.Float32frombits(out[2*i])
			idx[r0+i] = int(int32(out[2*i+1]))
		}
	}
}
