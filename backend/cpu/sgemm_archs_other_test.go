//go:build !amd64 || noasm

package cpu

func extraArchs() []kernelArch { return nil }

func extraDgemmArchs() []gemmArch[float64] { return nil }

func convKernelSets() []*convKernels { return nil }

func extraPoolKernels() map[string]func([]float32, []int64, []float32, poolPlane) { return nil }
