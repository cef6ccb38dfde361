//go:build amd64 && !purego

#include "textflag.h"

// func mulRowsFMA(ip []int, ind []int32, val []float64, x []float64, d []float64)
//
// d[i] = Σ_{ip[i] ≤ k < ip[i+1]} val[k]·x[ind[k]] for i < len(d), with
// scalar fused multiply-adds taking the value as memory operand. Per
// row: four entries at a time into four sums (X0, X1, X4, X5 by position
// mod 4), folded into X0 and X1; then at most one pair into X0, X1 and
// one entry into X0; d[i] = X0 + X1. Rows of fewer than four entries
// use only the pair and single steps. SI: ip, R8: ind, R9: val, R10: x,
// DI: d, AX: k, BX: end of the row, R11: last start of a full step, DX:
// row, CX: rows; X2, X3, X6, X7 hold the gathered x values.
TEXT ·mulRowsFMA(SB), NOSPLIT, $0-120
	MOVQ ip_base+0(FP), SI
	MOVQ ind_base+24(FP), R8
	MOVQ val_base+48(FP), R9
	MOVQ x_base+72(FP), R10
	MOVQ d_base+96(FP), DI
	MOVQ d_len+104(FP), CX
	TESTQ CX, CX
	JZ   done
	MOVQ (SI), AX
	XORQ DX, DX

row:
	MOVQ   8(SI)(DX*8), BX
	VXORPD X0, X0, X0
	VXORPD X1, X1, X1
	LEAQ   -3(BX), R11
	CMPQ   AX, R11
	JGE    pairs
	VXORPD X4, X4, X4
	VXORPD X5, X5, X5

quad:
	MOVLQSX     (R8)(AX*4), R12
	MOVLQSX     4(R8)(AX*4), R13
	VMOVSD      (R10)(R12*8), X2
	VMOVSD      (R10)(R13*8), X3
	MOVLQSX     8(R8)(AX*4), R12
	MOVLQSX     12(R8)(AX*4), R13
	VMOVSD      (R10)(R12*8), X6
	VMOVSD      (R10)(R13*8), X7
	VFMADD231SD (R9)(AX*8), X2, X0
	VFMADD231SD 8(R9)(AX*8), X3, X1
	VFMADD231SD 16(R9)(AX*8), X6, X4
	VFMADD231SD 24(R9)(AX*8), X7, X5
	ADDQ        $4, AX
	CMPQ        AX, R11
	JLT         quad
	VADDSD      X4, X0, X0
	VADDSD      X5, X1, X1

pairs:
	LEAQ   -1(BX), R11
	CMPQ   AX, R11
	JGE    tail
	MOVLQSX     (R8)(AX*4), R12
	MOVLQSX     4(R8)(AX*4), R13
	VMOVSD      (R10)(R12*8), X2
	VMOVSD      (R10)(R13*8), X3
	VFMADD231SD (R9)(AX*8), X2, X0
	VFMADD231SD 8(R9)(AX*8), X3, X1
	ADDQ        $2, AX

tail:
	CMPQ        AX, BX
	JGE         store
	MOVLQSX     (R8)(AX*4), R12
	VMOVSD      (R10)(R12*8), X2
	VFMADD231SD (R9)(AX*8), X2, X0
	INCQ        AX

store:
	VADDSD X1, X0, X0
	VMOVSD X0, (DI)(DX*8)
	INCQ   DX
	CMPQ   DX, CX
	JLT    row

done:
	RET
