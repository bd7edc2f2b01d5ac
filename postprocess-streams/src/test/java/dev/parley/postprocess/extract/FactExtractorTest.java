package dev.parley.postprocess.extract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FactExtractorTest {

    private final FactExtractor extractor = new FactExtractor();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "My name is Ada.                                   | Ada",
            "Hi there, my name's Ada Lovelace!                 | Ada Lovelace",
            "Hi, I'm Ada Lovelace.                             | Ada Lovelace",
            "I am Grace Hopper and I need help with COBOL.     | Grace Hopper",
            "You can call me Ada, everyone does.               | Ada",
            "Hello, this is Ada speaking.                      | Ada",
            "my name is ada lovelace btw                       | ada lovelace",
            "My name is Ludwig van Beethoven.                  | Ludwig van Beethoven",
            "I'm Seán O'Neil from Cork.                        | Seán O'Neil",
    })
    @DisplayName("a stated name is read with its capitalisation as written")
    void readsNames(String text, String name) {
        assertEquals(name, extractor.extract(text).get("name"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "I'm tired.", "I'm happy today!", "I'm not sure about this.", "I'm English.", "I'm Working on it.",
            "I'm a nurse.", "Please call me tomorrow.", "Don't call me Ada.", "My sister's name is Mia.",
            "my name is not Bob", "This is Paris.", "I am SO TIRED", "I'm Back",
    })
    @DisplayName("what is not clearly the user's own name is not a name")
    void ignoresNonNames(String text) {
        assertEquals(null, extractor.extract(text).get("name"), text);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "I live in Lisbon.                                  | Lisbon",
            "I'm from Porto!                                    | Porto",
            "I am based in Berlin these days.                   | Berlin",
            "I live in New York City with my cat.               | New York City",
            "I live in Lisbon, Portugal.                        | Lisbon, Portugal",
            "I live in the UK now.                              | UK",
            "I moved to Rio de Janeiro last year.               | Rio de Janeiro",
            "I'm originally from Porto but I live in Lisbon now. | Lisbon",
            "I live in Lisbon but I'm from Porto.               | Lisbon",
            "I live in The Hague.                               | The Hague",
    })
    @DisplayName("where the user lives is the location, and living somewhere beats coming from somewhere")
    void readsLocations(String text, String location) {
        assertEquals(location, extractor.extract(text).get("location"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "I don't live in Lisbon anymore.", "I'd love to live in Paris.", "I live in fear of deadlines.",
            "I live in a small flat.", "i live in lisbon", "My brother lives in Madrid.", "I'm from the future.",
    })
    @DisplayName("negated, wished-for, lower-case or third-person places are not a location")
    void ignoresNonLocations(String text) {
        assertEquals(null, extractor.extract(text).get("location"), text);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "I work as a nurse.                       | nurse",
            "I am a software engineer.                | software engineer",
            "I'm an accountant at a small firm.       | accountant",
            "I'm a PhD student at MIT.                | PhD student",
            "I'm the CEO of Acme.                     | CEO",
            "I'm working as a freelance translator.   | freelance translator",
            "My job title is Senior Data Scientist.   | Senior Data Scientist",
            "I'm a co-founder of a startup.           | co-founder",
            "I work for Acme Corp as a designer.      | designer",
    })
    @DisplayName("an occupation is read from 'I work as' or from 'I am a' with a known job")
    void readsOccupations(String text, String occupation) {
        assertEquals(occupation, extractor.extract(text).get("occupation"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "I am tired.", "I'm happy.", "I'm not sure.", "I'm a big fan of jazz.", "I'm a terrible cook.",
            "I'm a retired teacher.", "I'm a bit confused.", "I'm a mother of two.", "I used to be a teacher.",
            "If I were a doctor I'd be rich.", "Pretend I'm a pilot.", "I'm not a lawyer, but is this legal?",
            "I'm working on a project.", "Am I a good writer?",
    })
    @DisplayName("moods, judgements, past jobs and hypotheticals are not an occupation")
    void ignoresNonOccupations(String text) {
        assertEquals(null, extractor.extract(text).get("occupation"), text);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "I work at Acme.                                  | Acme",
            "I work for Procter & Gamble.                     | Procter & Gamble",
            "I'm currently working at Bank of America.        | Bank of America",
            "I work as a nurse at St Mary's Hospital.         | St Mary's Hospital",
            "I'm a nurse at St. Mary's Hospital in London.    | St. Mary's Hospital",
            "I'm employed by the BBC.                         | BBC",
    })
    @DisplayName("the employer is the capitalised organisation the user works at or for")
    void readsEmployers(String text, String employer) {
        assertEquals(employer, extractor.extract(text).get("employer"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "I work at home.", "I work from home.", "I work for a startup.", "I work for 10 years now.",
            "My wife works at Google.", "I don't work at Acme anymore.", "I work at night.",
    })
    @DisplayName("places, durations, vague employers and other people's employers are not an employer")
    void ignoresNonEmployers(String text) {
        assertEquals(null, extractor.extract(text).get("employer"), text);
    }

    @Test
    @DisplayName("pronouns are read as a lower-case set and software pairs are not pronouns")
    void readsPronouns() {
        assertEquals("she/her", extractor.extract("My pronouns are She/Her.").get("pronouns"));
        assertEquals("they/them", extractor.extract("I use they / them pronouns").get("pronouns"));
        assertEquals("he/him/his", extractor.extract("Pronouns: he/him/his").get("pronouns"));
        assertEquals(null, extractor.extract("I use vim/emacs at work.").get("pronouns"));
    }

    @Test
    @DisplayName("favourites in either spelling become favorite_<thing> keys in order of mention")
    void readsFavorites() {
        Map<String, String> facts = extractor.extract(
                "My favourite colour is green, and my favorite movie is The Matrix. My fave ice cream flavor is mint.");
        assertEquals(List.of("favorite_colour", "favorite_movie", "favorite_ice_cream_flavor"),
                List.copyOf(facts.keySet()));
        assertEquals("green", facts.get("favorite_colour"));
        assertEquals("The Matrix", facts.get("favorite_movie"));
        assertEquals("mint", facts.get("favorite_ice_cream_flavor"));
    }

    @Test
    @DisplayName("a favourite's value ends at the clause but keeps an 'and' inside a name")
    void favoriteValueEndsAtClause() {
        assertEquals("Simon and Garfunkel",
                extractor.extract("My favorite band is Simon and Garfunkel, honestly.").get("favorite_band"));
        assertEquals("sushi",
                extractor.extract("My favorite food is sushi but I also like ramen.").get("favorite_food"));
        assertEquals("cat", extractor.extract("my favorite animal is a cat").get("favorite_animal"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "What's my favorite color?", "My favorite color is not blue.", "My favorite is pizza.",
            "My favorite toy was a robot.", "If my favorite team is playing, I'll watch.",
    })
    @DisplayName("questions, denials, past favourites and conditions give no favourite")
    void ignoresNonFavorites(String text) {
        assertTrue(extractor.extract(text).isEmpty(), () -> text + " -> " + extractor.extract(text));
    }

    @Test
    @DisplayName("facts come out in a fixed key order whatever order the user states them in")
    void stableKeyOrder() {
        Map<String, String> facts = extractor.extract("My favorite food is pizza. My pronouns are she/her. "
                + "I work at Acme. I live in Lisbon. My name is Ada. I work as a nurse.");
        assertEquals(List.of("name", "location", "occupation", "employer", "pronouns", "favorite_food"),
                List.copyOf(facts.keySet()));
        assertEquals(facts, extractor.extract("My favorite food is pizza. My pronouns are she/her. "
                + "I work at Acme. I live in Lisbon. My name is Ada. I work as a nurse."));
    }

    @Test
    @DisplayName("when the text states a fact twice the later statement wins")
    void laterStatementWins() {
        Map<String, String> facts = extractor.extract(
                "My name is Ada. Actually, my name is Grace. I live in Porto. Sorry, I live in Lisbon.");
        assertEquals("Grace", facts.get("name"));
        assertEquals("Lisbon", facts.get("location"));
    }

    @Test
    @DisplayName("one sentence can carry several facts joined by 'and'")
    void severalFactsInOneSentence() {
        assertEquals(Map.of("name", "Ada Lovelace", "location", "Lisbon", "occupation", "nurse"),
                extractor.extract("Hi, I'm Ada Lovelace and I live in Lisbon, I'm a nurse."));
    }

    @Test
    @DisplayName("a question about something else does not hide the introduction before it")
    void introductionBeforeQuestion() {
        assertEquals(Map.of("name", "Ada"), extractor.extract("Hey, I'm Ada, can you help me plan a trip?"));
    }

    @Test
    @DisplayName("quoted speech and role-play say nothing about the user")
    void ignoresQuotesAndRolePlay() {
        assertEquals(Map.of(), extractor.extract("My character says \"my name is Bob and I live in Paris\"."));
        assertEquals(Map.of(), extractor.extract("Let's roleplay: I'm a detective and I live in London."));
        assertEquals(Map.of(), extractor.extract("Imagine I'm a pilot based in Dubai."));
    }

    @Test
    @DisplayName("a condition in an earlier clause does not hide the fact in the next one")
    void conditionOnlyCoversItsClause() {
        assertEquals(Map.of("occupation", "nurse", "location", "Porto"),
                extractor.extract("If it helps, I'm a nurse. Suppose I moved to Paris, I live in Porto."));
    }

    @Test
    @DisplayName("values are capped at 60 characters on a word boundary")
    void capsValues() {
        String value = extractor.extract("My favorite quote is the only way to do great work is to love what you do "
                + "and everything else follows from that simple idea").get("favorite_quote");
        assertTrue(value.length() <= FactExtractor.MAX_VALUE_CHARS, value);
        assertEquals("only way to do great work is to love what you do", value);
    }

    @Test
    @DisplayName("empty, blank and null text give no facts")
    void emptyInput() {
        assertEquals(Map.of(), extractor.extract(null));
        assertEquals(Map.of(), extractor.extract(""));
        assertEquals(Map.of(), extractor.extract("Thanks, that helps a lot!"));
    }
}
