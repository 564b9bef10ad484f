import Testing
@testable import LagesbildModel
@testable import LagesbildStore
@testable import LagesbildIngest
@testable import LagesbildIndicators
@testable import LagesbildReport

/// Reference/scb-regioner.csv: SCB's classification, one code scheme ("00", "LL", "KKKK").
@Suite struct RegionRegisterTests {
    @Test func sweden290MunicipalitiesAnd21Counties() {
        #expect(RegionRegister.kommuner.count == 290)
        #expect(RegionRegister.lan.count == 21)
        #expect(RegionRegister.region("00")?.level == .riket)
        #expect(Set(RegionRegister.all.map(\.code)).count == RegionRegister.all.count)
        // Every municipality belongs to the county its code starts with.
        #expect(RegionRegister.kommuner.allSatisfy { $0.lanCode == String($0.code.prefix(2)) && RegionRegister.region($0.lanCode!) != nil })
    }

    @Test(arguments: [
        ("2313", "Strömsund", "Strömsunds kommun"), ("2080", "Falun", "Falu kommun"), ("0980", "Gotland", "Region Gotland"),
        ("1280", "Malmö", "Malmö stad"), ("0180", "Stockholm", "Stockholms stad"), ("1440", "Ale", "Ale kommun"),
        ("0114", "Upplands Väsby", "Upplands Väsby kommun"), ("1490", "Borås", "Borås stad"), ("23", "Jämtlands län", "Jämtlands län"),
    ])
    func officialNamesAreIrregularAndStoredAsSuch(_ code: String, _ name: String, _ official: String) {
        #expect(RegionRegister.region(code)?.name == name)
        #expect(RegionRegister.region(code)?.officialName == official)
    }

    @Test func leadingZerosAreKept() {
        #expect(RegionRegister.kommuner.first?.code == "0114")
        // Counties 01–09: 26 + 8 + 9 + 13 + 13 + 8 + 12 + 1 municipalities.
        #expect(RegionRegister.kommuner.filter { $0.code.hasPrefix("0") }.count == 90)
    }
}
