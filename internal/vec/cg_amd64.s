//go:build amd64 && !purego

#include "textflag.h"

// func cgDirDiagFMA(p, r, d []float64, b float64)
//
// p[i] = fma(b, p[i], d[i]·r[i]) for i < len(p): four elements at a time
// (Y0: d·r, Y1: p, Y2: b broadcast), then one at a time. r and d have at
// least len(p) elements. SI: p, R8: r, R9: d, AX: index, CX: length,
// DX: end of the four-element steps.
TEXT ·cgDirDiagFMA(SB), NOSPLIT, $0-80
	MOVQ         p_base+0(FP), SI
	MOVQ         p_len+8(FP), CX
	MOVQ         r_base+24(FP), R8
	MOVQ         d_base+48(FP), R9
	VBROADCASTSD b+72(FP), Y2
	XORQ         AX, AX
	MOVQ         CX, DX
	ANDQ         $-4, DX
	JZ           dir_tail

dir_loop4:
	VMOVUPD     (R9)(AX*8), Y0
	VMULPD      (R8)(AX*8), Y0, Y0
	VMOVUPD     (SI)(AX*8), Y1
	VFMADD231PD Y1, Y2, Y0
	VMOVUPD     Y0, (SI)(AX*8)
	ADDQ        $4, AX
	CMPQ        AX, DX
	JLT         dir_loop4

dir_tail:
	CMPQ        AX, CX
	JGE         dir_done
	VMOVSD      (R9)(AX*8), X0
	VMULSD      (R8)(AX*8), X0, X0
	VMOVSD      (SI)(AX*8), X1
	VFMADD231SD X1, X2, X0
	VMOVSD      X0, (SI)(AX*8)
	INCQ        AX
	JMP         dir_tail

dir_done:
	VZEROUPPER
	RET

// func rdrFMA(r, d []float64) float64
//
// Σ r[i]·d[i]·r[i] over i < len(r): sixteen elements at a time into four
// accumulators (Y0…Y3: t = r·d, then acc = fma(t, r, acc)), then four at a
// time into Y0, reduced as (Y0+Y1)+(Y2+Y3) and across lanes, then the
// last elements one at a time. The order depends only on len(r). d has at
// least len(r) elements. SI: r, R8: d, AX: index, CX: length, DX: end.
TEXT ·rdrFMA(SB), NOSPLIT, $0-56
	MOVQ   r_base+0(FP), SI
	MOVQ   r_len+8(FP), CX
	MOVQ   d_base+24(FP), R8
	XORQ   AX, AX
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	MOVQ   CX, DX
	ANDQ   $-16, DX
	JZ     rdr_tail4

rdr_loop16:
	VMOVUPD     (SI)(AX*8), Y4
	VMOVUPD     32(SI)(AX*8), Y5
	VMOVUPD     64(SI)(AX*8), Y6
	VMOVUPD     96(SI)(AX*8), Y7
	VMULPD      (R8)(AX*8), Y4, Y8
	VMULPD      32(R8)(AX*8), Y5, Y9
	VMULPD      64(R8)(AX*8), Y6, Y10
	VMULPD      96(R8)(AX*8), Y7, Y11
	VFMADD231PD Y8, Y4, Y0
	VFMADD231PD Y9, Y5, Y1
	VFMADD231PD Y10, Y6, Y2
	VFMADD231PD Y11, Y7, Y3
	ADDQ        $16, AX
	CMPQ        AX, DX
	JLT         rdr_loop16

rdr_tail4:
	MOVQ CX, DX
	ANDQ $-4, DX

rdr_loop4:
	CMPQ        AX, DX
	JGE         rdr_reduce
	VMOVUPD     (SI)(AX*8), Y4
	VMULPD      (R8)(AX*8), Y4, Y8
	VFMADD231PD Y8, Y4, Y0
	ADDQ        $4, AX
	JMP         rdr_loop4

rdr_reduce:
	VADDPD       Y1, Y0, Y0
	VADDPD       Y3, Y2, Y2
	VADDPD       Y2, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPD       X1, X0, X0
	VHADDPD      X0, X0, X0

rdr_tail1:
	CMPQ        AX, CX
	JGE         rdr_done
	VMOVSD      (SI)(AX*8), X4
	VMULSD      (R8)(AX*8), X4, X8
	VFMADD231SD X8, X4, X0
	INCQ        AX
	JMP         rdr_tail1

rdr_done:
	VZEROUPPER
	MOVSD X0, ret+48(FP)
	RET

// func cgUpdateFMA(a float64, p, q, x, r []float64) float64
//
// x[i] += a·p[i], r[i] −= a·q[i] (fused multiply-adds; the second a
// negated multiply-add, which flips the sign of the product exactly as
// the Go loop's (−a)·q[i] does, so a = +0 gives the Go loop's signed
// zeros: 0 − a would make −a = +0, not −0) and returns
// Σ r[i]² of the updated r, for i < len(p): eight elements at a time (two
// vectors of four, accumulators Y0 and Y1), then four (into Y0), reduced
// across lanes, then one at a time. The order depends only on len(p).
// q, x and r have at least len(p) elements. Y2: a; SI: p, R8: q,
// R9: x, R10: r, AX: index, CX: length, DX: end of the current steps.
TEXT ·cgUpdateFMA(SB), NOSPLIT, $0-112
	VBROADCASTSD a+0(FP), Y2
	MOVQ         p_base+8(FP), SI
	MOVQ         p_len+16(FP), CX
	MOVQ         q_base+32(FP), R8
	MOVQ         x_base+56(FP), R9
	MOVQ         r_base+80(FP), R10
	XORQ         AX, AX
	VXORPD       Y0, Y0, Y0
	VXORPD       Y1, Y1, Y1
	MOVQ         CX, DX
	ANDQ         $-8, DX
	JZ           upd_tail4

upd_loop8:
	VMOVUPD     (R9)(AX*8), Y4
	VMOVUPD     32(R9)(AX*8), Y5
	VFMADD231PD (SI)(AX*8), Y2, Y4
	VFMADD231PD 32(SI)(AX*8), Y2, Y5
	VMOVUPD     Y4, (R9)(AX*8)
	VMOVUPD     Y5, 32(R9)(AX*8)
	VMOVUPD     (R10)(AX*8), Y6
	VMOVUPD     32(R10)(AX*8), Y7
	VFNMADD231PD (R8)(AX*8), Y2, Y6
	VFNMADD231PD 32(R8)(AX*8), Y2, Y7
	VMOVUPD     Y6, (R10)(AX*8)
	VMOVUPD     Y7, 32(R10)(AX*8)
	VFMADD231PD Y6, Y6, Y0
	VFMADD231PD Y7, Y7, Y1
	ADDQ        $8, AX
	CMPQ        AX, DX
	JLT         upd_loop8

upd_tail4:
	MOVQ CX, DX
	SUBQ AX, DX
	CMPQ DX, $4
	JLT  upd_reduce
	VMOVUPD     (R9)(AX*8), Y4
	VFMADD231PD (SI)(AX*8), Y2, Y4
	VMOVUPD     Y4, (R9)(AX*8)
	VMOVUPD     (R10)(AX*8), Y6
	VFNMADD231PD (R8)(AX*8), Y2, Y6
	VMOVUPD     Y6, (R10)(AX*8)
	VFMADD231PD Y6, Y6, Y0
	ADDQ        $4, AX

upd_reduce:
	VADDPD       Y1, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPD       X1, X0, X0
	VHADDPD      X0, X0, X0

upd_tail1:
	CMPQ        AX, CX
	JGE         upd_done
	VMOVSD      (R9)(AX*8), X4
	VFMADD231SD (SI)(AX*8), X2, X4
	VMOVSD      X4, (R9)(AX*8)
	VMOVSD      (R10)(AX*8), X6
	VFNMADD231SD (R8)(AX*8), X2, X6
	VMOVSD      X6, (R10)(AX*8)
	VFMADD231SD X6, X6, X0
	INCQ        AX
	JMP         upd_tail1

upd_done:
	VZEROUPPER
	MOVSD X0, ret+104(FP)
	RET
