package dev.parley.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.avro.LedgerEvent;
import dev.parley.avro.SessionSnapshot;
import dev.parley.avro.TokenChunk;
import org.apache.avro.Schema;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The unknown-union-branch guard is only armed where Avro could misread")
class UnknownUnionBranchGuardTest {

    @Test
    @DisplayName("not for a reader of the writer's own schema")
    void sameSchema() {
        assertFalse(UnknownUnionBranchGuard.between(LedgerEvent.getClassSchema(), LedgerEvent.getClassSchema())
                .isPresent());
        assertFalse(UnknownUnionBranchGuard.between(SessionSnapshot.getClassSchema(),
                SessionSnapshot.getClassSchema()).isPresent());
    }

    @Test
    @DisplayName("not for a new reader of an old writer, whose union is a subset")
    void newReaderOldWriter() {
        Schema oldLedger = SchemaEvolutionTest.ledgerBeforeReplyCancelled();
        assertFalse(UnknownUnionBranchGuard.between(oldLedger, LedgerEvent.getClassSchema()).isPresent());
    }

    @Test
    @DisplayName("not for unions in fields the reader does not read")
    void droppedFields() {
        assertFalse(UnknownUnionBranchGuard.between(TokenChunk.getClassSchema(), SchemaEvolutionTest.TOKEN_CHUNK_V0)
                .isPresent());
    }

    @Test
    @DisplayName("for an old reader of a writer whose union gained a branch")
    void oldReaderNewWriter() {
        Schema oldLedger = SchemaEvolutionTest.ledgerBeforeReplyCancelled();
        assertTrue(UnknownUnionBranchGuard.between(LedgerEvent.getClassSchema(), oldLedger).isPresent());
    }
}
