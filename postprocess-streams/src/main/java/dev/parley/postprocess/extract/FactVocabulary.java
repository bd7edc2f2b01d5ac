package dev.parley.postprocess.extract;

import java.util.Set;

/** The word lists behind {@link FactExtractor}'s judgement of what is a name, an occupation or a pronoun set. */
final class FactVocabulary {

    /**
     * Head nouns of occupations. "I'm a nurse" is a fact, "I'm a big fan" is not: without a list there is no way to
     * tell a job from any other noun phrase.
     */
    static final Set<String> OCCUPATIONS = Set.of(
            "accountant", "actor", "actress", "administrator", "admin", "adviser", "advisor", "agent", "analyst",
            "architect", "artist", "assistant", "attorney", "auditor", "author", "baker", "banker", "barber",
            "barista", "bartender", "biologist", "bookkeeper", "broker", "builder", "butcher", "carpenter", "cashier",
            "ceo", "cfo", "cto", "coo", "chef", "chemist", "cleaner", "clerk", "coach", "consultant", "contractor",
            "cook", "coordinator", "counselor", "counsellor", "courier", "dancer", "dentist", "designer", "detective",
            "developer", "dietitian", "director", "doctor", "driver", "economist", "editor", "educator",
            "electrician", "engineer", "entrepreneur", "executive", "farmer", "firefighter", "founder", "freelancer",
            "gardener", "geologist", "hairdresser", "historian", "illustrator", "instructor", "intern", "janitor",
            "journalist", "judge", "lawyer", "lecturer", "librarian", "lifeguard", "machinist", "manager",
            "marketer", "mathematician", "mechanic", "midwife", "musician", "nanny", "nurse", "officer",
            "optician", "painter", "paralegal", "paramedic", "pastor", "pharmacist", "photographer", "physician",
            "physicist", "physiotherapist", "pilot", "plumber", "poet", "politician", "president", "priest",
            "producer", "professor", "programmer", "psychiatrist", "psychologist", "rabbi", "realtor",
            "receptionist", "recruiter", "reporter", "researcher", "salesman", "saleswoman", "salesperson",
            "scientist", "secretary", "singer", "soldier", "specialist", "statistician", "strategist", "student",
            "supervisor", "surgeon", "surveyor", "tailor", "teacher", "technician", "therapist", "translator",
            "tutor", "veterinarian", "vet", "waiter", "waitress", "welder", "writer");

    /** Modifiers that turn a job into a judgement or a past ("a terrible cook", "a retired teacher"). */
    static final Set<String> NOT_A_CURRENT_JOB = Set.of(
            "good", "bad", "great", "terrible", "awful", "decent", "lousy", "horrible", "excellent", "poor",
            "better", "worse", "best", "worst", "big", "huge", "massive", "lazy", "amateur", "aspiring", "wannabe",
            "former", "retired", "ex", "future", "home", "hobby", "weekend", "failed", "frustrated");

    /** Capitalised words that follow "I'm" without being a name ("I'm English", "I'm Back"). */
    static final Set<String> NOT_NAMES = Set.of(
            "english", "british", "american", "canadian", "australian", "irish", "scottish", "welsh", "french",
            "german", "spanish", "italian", "portuguese", "brazilian", "mexican", "dutch", "swedish", "norwegian",
            "danish", "finnish", "polish", "russian", "ukrainian", "greek", "turkish", "indian", "chinese",
            "japanese", "korean", "african", "european", "asian", "christian", "catholic", "muslim", "jewish",
            "hindu", "buddhist", "atheist", "sorry", "sure", "fine", "good", "great", "okay", "ok", "here", "back",
            "done", "ready", "happy", "sad", "tired", "hungry", "busy", "free", "lost", "confused", "new", "not",
            "so", "very", "just", "also", "still", "really", "excited", "glad", "afraid", "bored", "stuck",
            "curious", "interested", "available", "home", "well", "alright", "monday", "tuesday", "wednesday",
            "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april", "may", "june",
            "july", "august", "september", "october", "november", "december", "today", "tomorrow", "tonight",
            "hi", "hello", "hey", "thanks", "yes", "no", "maybe", "probably", "actually", "always", "never");

    /** First halves of pronoun sets, so "I use vim/emacs" is not read as pronouns. */
    static final Set<String> PRONOUN_SUBJECTS = Set.of(
            "she", "he", "they", "ze", "zie", "xe", "ey", "fae", "ve", "it", "any", "per", "her", "him", "them");

    private FactVocabulary() {
    }
}
