//go:build !amd64 || noasm

package cpu

func extraArchs() []kernelArch { return nil }

func extraDgemmArchs() []gemmArch[float64] { return nil }

func convKernelSets() []*convKernels { return nil }
