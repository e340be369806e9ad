//go:build amd64 && !noasm

#include "textflag.h"

// func smallKernelAVX512(m, n, k int, a *float32, ars, acs int, b, c, bias *float32, relu int)
// c[i, j] = Σ_p a[i·ars + p·acs] · b[p·n + j] for i < m, j < n: b is k×n row-major, c is
// m×n row-major, a is read through element strides. Rows go 8 at a time (8 independent
// accumulators share each load of b), then one at a time; columns go 16 at a time, the last
// chunk through a lane mask, so nothing past a row's end is read or written. When bias is not
// nil it is added to every row, and when relu is 1 negative results become 0 (NaN stays).
TEXT ·smallKernelAVX512(SB), NOSPLIT, $0-80
	MOVQ m+0(FP), R8
	MOVQ n+8(FP), R9
	MOVQ k+16(FP), R10
	MOVQ a+24(FP), R11
	MOVQ ars+32(FP), R12
	SHLQ $2, R12
	MOVQ acs+40(FP), R13
	SHLQ $2, R13
	MOVQ b+48(FP), R14
	MOVQ c+56(FP), R15
	MOVQ R9, BX
	SHLQ $2, BX // row stride of b and c in bytes
	VPXORD Z10, Z10, Z10 // zero, for ReLU
block8:
	CMPQ R8, $8
	JLT rowloop
	XORQ DX, DX
b8col:
	CMPQ DX, R9
	JGE b8next
	MOVQ R9, CX
	SUBQ DX, CX
	MOVQ $0xffff, AX
	CMPQ CX, $16
	JGE b8full
	MOVQ $1, AX
	SHLQ CX, AX
	DECQ AX
b8full:
	KMOVW AX, K1
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	MOVQ R11, SI // &a[i, 0]
	LEAQ (R14)(DX*4), DI // &b[0, j0]
	MOVQ R10, CX
	TESTQ CX, CX
	JZ b8epi
b8k:
	VMOVUPS.Z (DI), K1, Z8
	MOVQ SI, AX
	VFMADD231PS.BCST (AX), Z8, Z0
	ADDQ R12, AX
	VFMADD231PS.BCST (AX), Z8, Z1
	ADDQ R12, AX
	VFMADD231PS.BCST (AX), Z8, Z2
	ADDQ R12, AX
	VFMADD231PS.BCST (AX), Z8, Z3
	ADDQ R12, AX
	VFMADD231PS.BCST (AX), Z8, Z4
	ADDQ R12, AX
	VFMADD231PS.BCST (AX), Z8, Z5
	ADDQ R12, AX
	VFMADD231PS.BCST (AX), Z8, Z6
	ADDQ R12, AX
	VFMADD231PS.BCST (AX), Z8, Z7
	ADDQ R13, SI
	ADDQ BX, DI
	DECQ CX
	JNZ b8k
b8epi:
	MOVQ bias+64(FP), AX
	TESTQ AX, AX
	JZ b8nobias
	VMOVUPS.Z (AX)(DX*4), K1, Z9
	VADDPS Z9, Z0, Z0
	VADDPS Z9, Z1, Z1
	VADDPS Z9, Z2, Z2
	VADDPS Z9, Z3, Z3
	VADDPS Z9, Z4, Z4
	VADDPS Z9, Z5, Z5
	VADDPS Z9, Z6, Z6
	VADDPS Z9, Z7, Z7
b8nobias:
	MOVQ relu+72(FP), AX
	TESTQ AX, AX
	JZ b8st
	VMAXPS Z0, Z10, Z0
	VMAXPS Z1, Z10, Z1
	VMAXPS Z2, Z10, Z2
	VMAXPS Z3, Z10, Z3
	VMAXPS Z4, Z10, Z4
	VMAXPS Z5, Z10, Z5
	VMAXPS Z6, Z10, Z6
	VMAXPS Z7, Z10, Z7
b8st:
	LEAQ (R15)(DX*4), DI
	VMOVUPS Z0, K1, (DI)
	ADDQ BX, DI
	VMOVUPS Z1, K1, (DI)
	ADDQ BX, DI
	VMOVUPS Z2, K1, (DI)
	ADDQ BX, DI
	VMOVUPS Z3, K1, (DI)
	ADDQ BX, DI
	VMOVUPS Z4, K1, (DI)
	ADDQ BX, DI
	VMOVUPS Z5, K1, (DI)
	ADDQ BX, DI
	VMOVUPS Z6, K1, (DI)
	ADDQ BX, DI
	VMOVUPS Z7, K1, (DI)
	ADDQ $16, DX
	JMP b8col
b8next:
	MOVQ R12, AX
	SHLQ $3, AX
	ADDQ AX, R11
	MOVQ BX, AX
	SHLQ $3, AX
	ADDQ AX, R15
	SUBQ $8, R8
	JMP block8
rowloop:
	TESTQ R8, R8
	JZ done
	XORQ DX, DX
r1col:
	CMPQ DX, R9
	JGE r1next
	MOVQ R9, CX
	SUBQ DX, CX
	MOVQ $0xffff, AX
	CMPQ CX, $16
	JGE r1full
	MOVQ $1, AX
	SHLQ CX, AX
	DECQ AX
r1full:
	KMOVW AX, K1
	VPXORD Z0, Z0, Z0
	MOVQ R11, SI
	LEAQ (R14)(DX*4), DI
	MOVQ R10, CX
	TESTQ CX, CX
	JZ r1epi
r1k:
	VMOVUPS.Z (DI), K1, Z1
	VFMADD231PS.BCST (SI), Z1, Z0
	ADDQ R13, SI
	ADDQ BX, DI
	DECQ CX
	JNZ r1k
r1epi:
	MOVQ bias+64(FP), AX
	TESTQ AX, AX
	JZ r1nobias
	VMOVUPS.Z (AX)(DX*4), K1, Z9
	VADDPS Z9, Z0, Z0
r1nobias:
	MOVQ relu+72(FP), AX
	TESTQ AX, AX
	JZ r1st
	VMAXPS Z0, Z10, Z0
r1st:
	LEAQ (R15)(DX*4), DI
	VMOVUPS Z0, K1, (DI)
	ADDQ $16, DX
	JMP r1col
r1next:
	ADDQ R12, R11
	ADDQ BX, R15
	DECQ R8
	JMP rowloop
done:
	VZEROUPPER
	RET
