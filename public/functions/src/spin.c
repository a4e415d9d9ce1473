/*
 * spin.wasm — never terminates (for timeout / cancellation tests).
 * Produces no output. The volatile counter keeps the loop from being
 * optimised away (an empty infinite loop is UB in C).
 */
volatile unsigned long long spin_counter;

int main(void) {
    for (;;) spin_counter++;
}
