//go:build amd64 && !noasm

package cpu

import "golang.org/x/sys/cpu"

// extraArchs lists the assembly kernels this CPU can run besides the selected one.
func extraArchs() []kernelArch {
	var out []kernelArch
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA && sgemmArch.name != "avx2" {
		out = append(out, sgemmArchAVX2)
	}
	return out
}

// extraDgemmArchs lists the float64 kernels this CPU can run besides the selected one.
func extraDgemmArchs() []gemmArch[float64] {
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA && dgemmArch.name != "avx2" {
		return []gemmArch[float64]{dgemmArchAVX2}
	}
	return nil
}

// convKernelSets lists the convolution kernel sets this CPU runs.
func convKernelSets() []*convKernels {
	var out []*convKernels
	if cpu.X86.HasAVX512F && cpu.X86.HasAVX512VL {
		out = append(out, convAVX512)
	}
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		out = append(out, convAVX2)
	}
	return out
}

// extraPoolKernels lists the 2×2 pooling kernels this CPU runs besides the selected one.
func extraPoolKernels() map[string]func([]float32, []int64, []float32, poolPlane) {
	if cpu.X86.HasAVX2 {
		return map[string]func([]float32, []int64, []float32, poolPlane){"avx2": pool2x2ForwardAVX2}
	}
	return nil
}
